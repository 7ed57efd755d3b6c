namespace CharityDay.Integration.Tests.Infrastructure;

/// <summary>
/// A running CharityDay deployment the suite talks to over HTTP only: the embedded default
/// (one process on SQLite) or a production cluster (three silos on PostgreSQL).
/// </summary>
public abstract class Deployment : IAsyncLifetime
{
    public const string ManagerKey = "test-manager-key-0123456789abcdef";

    private int _next;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, HttpClient> _clients = new();

    public abstract string Profile { get; }

    public List<HostProcess> Hosts { get; } = [];

    /// <summary>Each call picks the next silo's HTTP endpoint: any silo must serve any request. Shared: do not dispose.</summary>
    public HttpClient Client()
    {
        var running = Hosts.Where(h => h.IsRunning).ToList();
        if (running.Count == 0)
        {
            // Everything is down: the call fails as a partner's would, and is retried.
            running = Hosts;
        }
        var host = running[(int)((uint)Interlocked.Increment(ref _next) % (uint)running.Count)];
        // One shared client per silo: a client per call would exhaust loopback ports under load.
        return _clients.GetOrAdd(host.HttpPort, _ => new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) });
    }

    public ApiClient Api() => new(this);

    public abstract Task InitializeAsync();

    public async Task DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
        foreach (var host in Hosts)
        {
            await host.DisposeAsync();
        }
        await CleanUpAsync();
    }

    protected virtual Task CleanUpAsync() => Task.CompletedTask;
}

/// <summary>The README's run command: one process, SQLite in a data directory.</summary>
public sealed class EmbeddedDeployment : Deployment
{
    /// <summary>Extra environment for the host (CharityDay__X=…), for a test that needs a setting changed.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    public string DataDir { get; } = Directory.CreateTempSubdirectory("charityday-test-").FullName;

    public override string Profile => "Embedded";

    public override async Task InitializeAsync()
    {
        var host = new HostProcess("embedded", new Dictionary<string, string>
        {
            ["CharityDay__DataDir"] = DataDir,
            ["CharityDay__BootstrapManagerKey"] = ManagerKey,
            ["CharityDay__SiloPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        }.Concat(Settings).ToDictionary());
        Hosts.Add(host);
        await host.StartAsync();
    }

    protected override Task CleanUpAsync()
    {
        Directory.Delete(DataDir, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>Three silos on one PostgreSQL database: ADO.NET clustering, grain storage and the ledger.</summary>
public sealed class PostgresClusterDeployment : Deployment
{
    public const int SiloCount = 3;

    /// <summary>Extra environment for every silo (CharityDay__X=…), for a test that needs a setting changed.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    private readonly TestPostgres _database = new();

    public override string Profile => "Production";

    /// <summary>The silos' Redis; default: the suite's shared server (<see cref="TestRedis"/>).</summary>
    public string? Redis { get; init; }

    public override async Task InitializeAsync()
    {
        await _database.CreateAsync();
        var clusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < SiloCount; i++)
        {
            Hosts.Add(new HostProcess($"silo{i}", new Dictionary<string, string>
            {
                ["CharityDay__Profile"] = "Production",
                ["ConnectionStrings__Postgres"] = _database.ConnectionString,
                ["ConnectionStrings__Redis"] = Redis ?? TestRedis.ConnectionString,
                // The suite shares two cores with builds and other suites: a thread-pool stall past the
                // 50 ms default decides a donation on its silo's share (a third of the limit) and makes
                // exact limit tests flaky. Redis outages are tested by killing Redis, not by load.
                ["CharityDay__RateLimitRedisTimeoutMs"] = "250",
                ["CharityDay__MigrateOnStart"] = "true",
                ["CharityDay__BootstrapManagerKey"] = ManagerKey,
                ["CharityDay__ClusterId"] = clusterId,
                ["CharityDay__ServiceId"] = "charityday-test",
                ["CharityDay__SiloPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            }.Concat(Settings).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Last().Value))); // Settings win
        }
        // Several silos migrating at once must be safe: start them together.
        await Task.WhenAll(Hosts.Select(h => h.StartAsync()));
    }

    protected override Task CleanUpAsync() => _database.DropAsync();
}
