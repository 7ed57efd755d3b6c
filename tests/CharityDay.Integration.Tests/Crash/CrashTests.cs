using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Crash;

/// <summary>
/// kill -9 while donations flow, restart, let partners retry by donationId, then audit: every
/// acknowledged donation exactly once, totals exact, no pool over-spent, no stranded budget.
/// Each test owns its deployment: it kills processes.
/// </summary>
public abstract class CrashTestBase<TDeployment> : IAsyncLifetime where TDeployment : Deployment, new()
{
    protected const long Budget = 400_000;
    protected const long PerDonorDailyCap = 3_000;

    protected TDeployment Deployment { get; } = new();

    public Task InitializeAsync() => Deployment.InitializeAsync();

    public Task DisposeAsync() => Deployment.DisposeAsync();

    /// <summary>Runs load, kills the chosen silo mid-load, keeps the load going, restarts it, settles and audits.</summary>
    protected async Task KillMidLoadAndAuditAsync(Func<string, Task<HostProcess>> victim)
    {
        var api = Deployment.Api();
        var campaign = await api.CreateCampaignAsync();
        var projects = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            projects.Add(await api.CreateProjectAsync(campaign));
        }
        var pool = await api.CreatePoolAsync(campaign, new() { ["budget"] = Budget, ["ratioBps"] = 10000, ["perDonorDailyCap"] = PerDonorDailyCap });
        var (_, key) = await api.CreatePartnerAsync();

        var load = new DonationLoad(Deployment.Client, key, projects, donors: 300, seed: 7);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(workers: 16, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(3));

        var host = await victim(campaign);
        await host.KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        await host.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        await running;

        await load.SettleAsync(TimeSpan.FromSeconds(90));
        Assert.True(load.Unknown.IsEmpty, $"{load.Unknown.Count} donations never got an answer after retries");
        Assert.True(load.Acknowledged.Count > 100, $"only {load.Acknowledged.Count} donations went through");

        await LedgerAudit.VerifyAsync(api, key, campaign, pool, Budget, PerDonorDailyCap, load.Acknowledged);
    }
}

public sealed class EmbeddedCrashTests : CrashTestBase<EmbeddedDeployment>
{
    [Fact]
    public Task Kill_9_of_the_embedded_host_loses_no_acknowledged_donation() =>
        KillMidLoadAndAuditAsync(_ => Task.FromResult(Deployment.Hosts[0]));
}

public sealed class PostgresClusterCrashTests : CrashTestBase<PostgresClusterDeployment>
{
    [Fact]
    public Task Kill_9_of_a_silo_that_does_not_host_the_campaign_loses_nothing() =>
        KillMidLoadAndAuditAsync(async campaign =>
        {
            var home = await HomeSiloAsync(campaign);
            return Deployment.Hosts.First(h => h != home);
        });

    [Fact]
    public Task Kill_9_of_the_silo_hosting_the_campaign_and_its_pools_loses_nothing() =>
        KillMidLoadAndAuditAsync(HomeSiloAsync);

    private async Task<HostProcess> HomeSiloAsync(string campaign)
    {
        var placement = await Deployment.Api().Manager(HttpMethod.Get, $"/v1/admin/campaigns/{campaign}/placement");
        ApiClient.Ensure(placement, 200);
        var siloPort = placement["silo"].GetValue<string>().Split(':')[^1];
        return Deployment.Hosts.Single(h => h.Environment["CharityDay__SiloPort"] == siloPort);
    }
}
