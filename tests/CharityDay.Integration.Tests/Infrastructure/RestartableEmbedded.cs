namespace CharityDay.Integration.Tests.Infrastructure;

/// <summary>
/// One embedded host on a data directory of its own that a test stops, kills and starts again: a new
/// process on the same directory each time.
/// </summary>
/// <param name="settings">More environment for every process (e.g. <c>CharityDay__DonorsKept</c>).</param>
/// <param name="bootstrapKey">Configure <see cref="Deployment.ManagerKey"/> as the bootstrap key (false: the host makes its first key).</param>
public sealed class RestartableEmbedded(IReadOnlyDictionary<string, string>? settings = null, bool bootstrapKey = true) : Deployment
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("charityday-restart-").FullName;

    public override string Profile => "Embedded";

    public HostProcess Host => Hosts[^1];

    public string DataDir => _dataDir;

    public override Task InitializeAsync() => StartAsync();

    public async Task StartAsync()
    {
        var environment = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            ["CharityDay__DataDir"] = _dataDir,
            // Fresh ports each time: a killed process's sockets may linger.
            ["CharityDay__SiloPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (bootstrapKey)
        {
            environment["CharityDay__BootstrapManagerKey"] = ManagerKey;
        }
        var host = new HostProcess("embedded-restart", environment);
        Hosts.Add(host);
        await host.StartAsync();
    }

    /// <summary>A new process on the same data directory; the old one must have exited.</summary>
    public Task RestartAsync()
    {
        Assert.False(Host.IsRunning, "the old process still runs");
        return StartAsync();
    }

    protected override Task CleanUpAsync()
    {
        Directory.Delete(_dataDir, recursive: true);
        return Task.CompletedTask;
    }
}
