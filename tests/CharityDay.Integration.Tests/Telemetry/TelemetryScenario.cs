using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Telemetry;

/// <summary>
/// One of each path an instrument records on, under fresh ids: donations accepted, a replay, two
/// rejections (conflict, invalid), three commits, two pool changes, a refund and a clawback.
/// </summary>
public sealed record TelemetryScenario(
    string CampaignId, string ProjectId, string PoolId, string PartnerId, string PartnerKey,
    IReadOnlyList<string> DonorIds, IReadOnlyList<string> DonationIds)
{
    public const long BudgetFen = 1_500;
    public const long DonatedFen = 300 + 400 + 200;
    public const long MatchedFen = 300 + 400 + 200;
    public const long PoolMatchedFen = 300; // d2 refunded, u3's match clawed back
    public const int Accepted = 3;
    public const int Commits = 3;
    public const int PoolChanges = 2;

    public static async Task<TelemetryScenario> RunAsync(ApiClient api)
    {
        var campaign = await api.CreateCampaignAsync();
        var project = await api.CreateProjectAsync(campaign);
        var pool = await api.CreatePoolAsync(campaign, new() { ["budget"] = 1_000L, ["ratioBps"] = 10_000 });
        var (partner, key) = await api.CreatePartnerAsync();
        string[] donors = [ApiClient.NewId("u1"), ApiClient.NewId("u2"), ApiClient.NewId("u3")];
        string[] donations = [ApiClient.NewId("d1"), ApiClient.NewId("d2"), ApiClient.NewId("d3")];

        ApiClient.Ensure(await api.DonateAsync(key, donations[0], project, donors[0], 300), 201);
        ApiClient.Ensure(await api.DonateAsync(key, donations[0], project, donors[0], 300), 200);
        ApiClient.Ensure(await api.DonateAsync(key, donations[0], project, donors[0], 301), 409);
        ApiClient.Ensure(await api.DonateAsync(key, ApiClient.NewId("bad"), project, donors[0], 0), 400);
        ApiClient.Ensure(await api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { budgetDelta = 500L }), 200);
        ApiClient.Ensure(await api.DonateAsync(key, donations[1], project, donors[1], 400), 201);
        ApiClient.Ensure(await api.SendAsync(HttpMethod.Post, $"/v1/donations/{donations[1]}/refund", key: key), 200);
        ApiClient.Ensure(await api.DonateAsync(key, donations[2], project, donors[2], 200), 201);
        ApiClient.Ensure(await api.Manager(HttpMethod.Post, $"/v1/admin/pools/{pool}/clawback", new { donorId = donors[2], reason = "test" }), 200);
        return new TelemetryScenario(campaign, project, pool, partner, key, donors, donations);
    }

    /// <summary>Scrapes until the pool gauges show the scenario's end state (they are published after the calls return).</summary>
    public async Task<PrometheusScrape> ScrapeSettledAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var scrape = await PrometheusScrape.FromAsync(http);
            var matched = scrape.Find("charityday_pool_matched_fen", ("campaign", CampaignId), ("pool", PoolId));
            var budget = scrape.Find("charityday_pool_budget_fen", ("campaign", CampaignId), ("pool", PoolId));
            var clawbacks = scrape.Find("charityday_clawbacks_total", ("pool", PoolId));
            if ((matched.Count == 1 && matched[0].Value == PoolMatchedFen && budget.Count == 1 && budget[0].Value == BudgetFen && clawbacks.Count == 1)
                || DateTime.UtcNow > deadline)
            {
                return scrape;
            }
            await Task.Delay(200);
        }
    }
}
