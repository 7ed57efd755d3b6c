using System.Diagnostics;
using System.Globalization;
using System.Net;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Telemetry;

/// <summary>Readiness follows the storage it needs; liveness does not (restarting a silo does not bring a database back).</summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task A_production_silo_whose_database_is_gone_is_live_but_not_ready()
    {
        var database = new TestPostgres();
        await database.CreateAsync();
        var host = new HostProcess("ready", new Dictionary<string, string>
        {
            ["CharityDay__Profile"] = "Production",
            ["ConnectionStrings__Postgres"] = database.ConnectionString,
            ["CharityDay__MigrateOnStart"] = "true",
            ["CharityDay__BootstrapManagerKey"] = Deployment.ManagerKey,
            ["CharityDay__ClusterId"] = "ready-" + Guid.NewGuid().ToString("N")[..8],
            ["CharityDay__ServiceId"] = "charityday-test",
            ["CharityDay__SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
        });
        try
        {
            await host.StartAsync();
            using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "/health/ready"));

            await database.DropAsync(); // WITH (FORCE): every connection of the silo is cut

            var waited = Stopwatch.StartNew();
            var ready = HttpStatusCode.OK;
            while (ready == HttpStatusCode.OK && waited.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(250);
                ready = await StatusAsync(http, "/health/ready");
            }
            Assert.True(ready == HttpStatusCode.ServiceUnavailable, $"/health/ready still {(int)ready} {waited.Elapsed} after the database was dropped");
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "/health/live"));
            Assert.True(host.IsRunning);
        }
        finally
        {
            await host.DisposeAsync();
            await database.DropAsync();
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return response.StatusCode;
    }
}
