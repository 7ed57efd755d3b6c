using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Faults;

/// <summary>
/// Three production silos, as <see cref="PostgresClusterDeployment"/>, on a PostgreSQL cluster of their
/// own that the fault tests stop and start (the shared server of scripts/test.sh is never touched).
/// </summary>
public sealed class PostgresFaultDeployment : Deployment
{
    public RestartablePostgres Database { get; } = new();

    public override string Profile => "Production";

    public override async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            // A fixture that fails to start is not disposed by xunit: leave no server or silo running.
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        await Database.StartNewAsync();
        var clusterId = "fault-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < PostgresClusterDeployment.SiloCount; i++)
        {
            Hosts.Add(new HostProcess($"silo{i}", new Dictionary<string, string>
            {
                ["CharityDay__Profile"] = "Production",
                ["ConnectionStrings__Postgres"] = Database.ConnectionString,
                ["ConnectionStrings__Redis"] = TestRedis.ConnectionString,
                ["CharityDay__MigrateOnStart"] = "true",
                ["CharityDay__BootstrapManagerKey"] = ManagerKey,
                ["CharityDay__ClusterId"] = clusterId,
                ["CharityDay__ServiceId"] = "charityday-fault-test",
                ["CharityDay__SiloPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["CharityDay__GatewayPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            }));
        }
        await Task.WhenAll(Hosts.Select(h => h.StartAsync()));
    }

    protected override async Task CleanUpAsync() => await Database.DisposeAsync();
}
