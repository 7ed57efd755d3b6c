using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CharityDay.Integration.Tests.Errors;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Public;

/// <summary>An embedded host set up as an exposed production node would be: a management port and a per-client limit on public reads.</summary>
public sealed class LockedDownHost : IAsyncLifetime
{
    public const int ReadsPerSecond = 20;

    private readonly EmbeddedDeployment _deployment;

    public LockedDownHost()
    {
        ManagementPort = FreePorts.Next();
        _deployment = new EmbeddedDeployment
        {
            Settings = new Dictionary<string, string>
            {
                ["CharityDay__ManagementUrls"] = $"http://127.0.0.1:{ManagementPort}",
                ["CharityDay__PublicReadsPerIpPerSecond"] = ReadsPerSecond.ToString(CultureInfo.InvariantCulture),
            },
        };
    }

    public int ManagementPort { get; }

    public Deployment Deployment => _deployment;

    public HostProcess Host => Assert.Single(_deployment.Hosts);

    public Task InitializeAsync() => _deployment.InitializeAsync();

    public Task DisposeAsync() => _deployment.DisposeAsync();
}

/// <summary>
/// What a stranger can reach on a node: public reads under an optional per-client limit (429 with
/// Retry-After), /metrics and /health/* on the management port only, and no Orleans gateway.
/// </summary>
public sealed class ExposureTests(LockedDownHost locked) : IClassFixture<LockedDownHost>
{
    private readonly ApiClient _api = locked.Deployment.Api();

    [Fact]
    public async Task Public_reads_past_the_per_client_limit_are_429_with_retry_after_and_other_clients_and_keys_are_not_limited()
    {
        using var first = ClientFrom(IPAddress.Parse("127.0.0.3"));
        var window = Stopwatch.StartNew();
        var answers = new List<ApiResponse>();
        for (var i = 0; i < 3 * LockedDownHost.ReadsPerSecond; i++)
        {
            answers.Add(await _api.SendAsync(HttpMethod.Get, i % 2 == 0 ? "/v1/projects/x-none" : "/v1/campaigns/x-none", client: first));
        }
        window.Stop();
        var limited = answers.Where(a => a.Code == 429).ToList();
        var served = answers.Count - limited.Count;
        // A bucket of one second's reads, refilled every second: at most that many per second begun, plus the first bucket.
        var allowed = LockedDownHost.ReadsPerSecond * (1 + (int)Math.Ceiling(window.Elapsed.TotalSeconds));
        Assert.True(limited.Count > 0 && served <= allowed,
            $"{answers.Count} reads in {window.Elapsed.TotalMilliseconds:0} ms from one client: {served} served (at most {allowed}), {limited.Count} limited");
        Assert.All(answers.Where(a => a.Code != 429), a => Problems.AssertProblem(a, 404, "not-found"));
        var refused = limited[0];
        Problems.AssertProblem(refused, 429, "public-rate-limited");
        Assert.True(refused.Headers.RetryAfter?.Delta is { } wait && wait >= TimeSpan.FromSeconds(1) && wait <= TimeSpan.FromSeconds(2),
            $"429 without a Retry-After of 1–2 s: {refused.Headers}");

        // Another client address has a bucket of its own; keyed calls are not public reads.
        using var second = ClientFrom(IPAddress.Parse("127.0.0.4"));
        Problems.AssertProblem(await _api.SendAsync(HttpMethod.Get, "/v1/projects/x-none", client: second), 404, "not-found");
        Problems.AssertProblem(await _api.SendAsync(HttpMethod.Get, "/v1/admin/campaigns/x-none", key: Deployment.ManagerKey, client: first), 404, "not-found");
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/health/startup")]
    public async Task Metrics_and_health_are_served_on_the_management_port_only(string path)
    {
        using var management = new HttpClient { BaseAddress = locked.Host.ManagementAddress, Timeout = TimeSpan.FromSeconds(30) };
        using (var served = await management.GetAsync(new Uri(path, UriKind.Relative)))
        {
            Assert.True(served.StatusCode == HttpStatusCode.OK, $"GET {path} on the management port: {(int)served.StatusCode} {await served.Content.ReadAsStringAsync()}");
        }
        Problems.AssertProblem(await _api.SendAsync(HttpMethod.Get, path), 404, "not-found");

        // Naming the management port in the Host header changes nothing: the port the connection came in on decides.
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, path);
        spoofed.Headers.Host = $"127.0.0.1:{locked.ManagementPort}";
        Problems.AssertProblem(await _api.SendRawAsync(spoofed), 404, "not-found");
    }

    [Fact]
    public async Task The_management_port_serves_nothing_of_the_api()
    {
        using var management = new HttpClient { BaseAddress = locked.Host.ManagementAddress, Timeout = TimeSpan.FromSeconds(30) };
        foreach (var path in new[] { "/v1/projects/x-none", "/v1/admin/audit", "/openapi/v1.json" })
        {
            using var response = await management.GetAsync(new Uri(path, UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.NotFound && !body.Contains("projectId", StringComparison.Ordinal),
                $"GET {path} on the management port: {(int)response.StatusCode} {body}");
        }
    }

    [Fact]
    public void A_host_listens_on_its_http_ports_and_its_silo_port_only_so_the_orleans_gateway_is_closed_by_default()
    {
        var host = locked.Host;
        var siloPort = int.Parse(host.Environment["CharityDay__SiloPort"], CultureInfo.InvariantCulture);
        var expected = new SortedSet<int> { host.HttpPort, locked.ManagementPort, siloPort };
        var listening = new SortedSet<int>(ListeningPorts(host.ProcessId));
        Assert.True(expected.SetEquals(listening),
            $"expected the host to listen on {string.Join(", ", expected)} (HTTP, management, silo), found {string.Join(", ", listening)}");
    }

    /// <summary>The TCP ports a process listens on, from Linux /proc: its socket inodes matched to the kernel's LISTEN table.</summary>
    public static IEnumerable<int> ListeningPorts(int processId)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFiles($"/proc/{processId}/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    inodes.Add(target["socket:[".Length..^1]);
                }
            }
            catch (IOException)
            {
                // The descriptor closed while we looked.
            }
        }
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                const string Listen = "0A";
                if (fields.Length > 9 && fields[3] == Listen && inodes.Contains(fields[9]))
                {
                    yield return int.Parse(fields[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                }
            }
        }
    }

    /// <summary>A client whose connections come from the given loopback address: another client, as the server sees it.</summary>
    private HttpClient ClientFrom(IPAddress local) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = locked.Host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
}
