namespace CharityDay.LoadTests;

/// <summary>Which options the command line set explicitly: a scenario never overrides those.</summary>
internal sealed record ScenarioOverrides(bool Pool, bool PoolBudget, bool Projects, bool HotShare, bool PatchEvery);

/// <summary>
/// The benchmark scenarios of issue 5. Each is a preset of the ordinary options; options given on the
/// command line win over the preset.
/// <list type="bullet">
/// <item>a — uniform over 1,000 projects, no pool.</item>
/// <item>b — a + one campaign-wide 1:1 pool with a per-donor daily cap and a budget that lasts the run.</item>
/// <item>c — b with 90% of the donations on one project.</item>
/// <item>d — b with a budget sized to run dry half-way: the pool must end at exactly 0 remaining.</item>
/// <item>e — b while a manager PATCHes the pool every second (pause, resume, top-up, ratio change).</item>
/// </list>
/// </summary>
internal static class Scenarios
{
    /// <summary>Fen matched per donation when the pool is 1:1 and amounts are 100–1,000 fen (the per-donor cap trims a little).</summary>
    private const double MatchedPerDonationEstimate = 500;

    /// <summary>Scenario d without a budget or an expected rate: sized for ~2,000 donations/s.</summary>
    private const double DefaultExpectedRate = 2_000;

    public static BenchOptions Apply(string scenario, BenchOptions o, ScenarioOverrides given, double? expectedRate)
    {
        var projects = given.Projects ? o.Projects : 1000;
        var withPool = given.Pool ? o.CampaignPool : scenario != "a";
        var result = o with
        {
            Scenario = scenario,
            Projects = projects,
            CampaignPool = withPool,
            HotShare = given.HotShare ? o.HotShare : scenario == "c" ? 0.9 : 0,
            PatchEvery = given.PatchEvery ? o.PatchEvery : scenario == "e" ? TimeSpan.FromSeconds(1) : null,
            ExpectExhaustion = scenario == "d",
        };
        if (scenario == "d" && !given.PoolBudget)
        {
            // Demand must exceed the budget half-way through: budget = half the fen the run is expected to match.
            var rate = expectedRate is > 0 ? expectedRate.Value : DefaultExpectedRate;
            var budget = (long)(rate * o.Duration.TotalSeconds * 0.5 * MatchedPerDonationEstimate);
            result = result with { PoolBudget = Math.Max(10_000, budget) };
        }

        return result;
    }
}
