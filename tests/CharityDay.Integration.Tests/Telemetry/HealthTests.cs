using System.Diagnostics;
using System.Globalization;
using System.Net;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Telemetry;

/// <summary>Startup, readiness and liveness as three signals, on a host of its own (the test stops it).</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Readiness_fails_from_the_shutdown_signal_while_liveness_and_serving_go_on_through_the_drain()
    {
        var dataDir = Directory.CreateTempSubdirectory("charityday-health-").FullName;
        var host = new HostProcess("health", new Dictionary<string, string>
        {
            ["CharityDay__DataDir"] = dataDir,
            ["CharityDay__BootstrapManagerKey"] = Deployment.ManagerKey,
            ["CharityDay__SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["CharityDay__ShutdownDrainSeconds"] = "5",
        });
        try
        {
            await host.StartAsync();
            using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
            foreach (var path in new[] { "/health/startup", "/health/ready", "/health/live" })
            {
                var (status, body) = await GetAsync(http, path);
                Assert.True(status == HttpStatusCode.OK && body == "Healthy", $"{path} before shutdown: {(int)status} {body}");
            }
            using (var put = new HttpRequestMessage(HttpMethod.Put, "/v1/admin/campaigns/health-c") { Content = JsonContent("""{"name":"Health"}""") })
            {
                put.Headers.Authorization = new("Bearer", Deployment.ManagerKey);
                using var created = await http.SendAsync(put);
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }
            // Public reads come from a snapshot up to ~1 s old: the read below waits for one taken after this.
            var createdAt = DateTimeOffset.UtcNow;

            var stopping = Stopwatch.StartNew();
            var stop = host.StopAsync(); // SIGTERM, as Kubernetes stops a pod
            var sawNotReady = false;
            while (stopping.Elapsed < TimeSpan.FromSeconds(3))
            {
                var (ready, readyBody) = await GetAsync(http, "/health/ready");
                if (ready == HttpStatusCode.ServiceUnavailable)
                {
                    Assert.Equal("Unhealthy", readyBody);
                    sawNotReady = true;
                    break;
                }
                await Task.Delay(100);
            }
            Assert.True(sawNotReady, "readiness did not fail within 3 s of SIGTERM");

            // Still inside the 5 s drain: the process is alive and serves requests.
            var (live, liveBody) = await GetAsync(http, "/health/live");
            Assert.True(live == HttpStatusCode.OK, $"liveness during the drain: {(int)live} {liveBody}");
            var read = await ApiClient.GetPublicFreshAsync(http, "/v1/campaigns/health-c", since: createdAt);
            Assert.True(read.Status == HttpStatusCode.OK, $"a read during the drain: {read}");
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"the checks took {stopping.Elapsed}, past the drain");

            await stop;
            Assert.False(host.IsRunning);
            Assert.True(stopping.Elapsed >= TimeSpan.FromSeconds(5), $"the host exited {stopping.Elapsed} after SIGTERM, before its 5 s drain");
        }
        finally
        {
            await host.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
