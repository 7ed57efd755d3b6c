using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>
/// SPEC §3's limits, one at a time: the last donation before a limit gets a partial match that
/// uses the limit up exactly, the next one gets nothing from that pool.
/// </summary>
public abstract class MatchingLimitTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task Per_donation_cap_bounds_each_match()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["ratioBps"] = 20000, ["perDonationCap"] = 50L });

        Assert.Equal(Matches.Expect((pool, 50)), Matches.Of(await scene.DonateNewAsync("u1", 80)));
        Assert.Equal(Matches.Expect((pool, 40)), Matches.Of(await scene.DonateNewAsync("u1", 20)));
        Assert.Equal(Matches.Expect((pool, 50)), Matches.Of(await scene.DonateNewAsync("u2", 25)));
        Assert.Equal((140L, 1_000_000L - 140), await scene.PoolUsageAsync(pool));
    }

    [Fact]
    public async Task Per_donor_daily_cap_gives_a_partial_match_then_nothing()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["perDonorDailyCap"] = 100L });
        var (_, otherPartnerKey) = await _api.CreatePartnerAsync();

        Assert.Equal(Matches.Expect((pool, 60)), Matches.Of(await scene.DonateNewAsync("u1", 60)));
        Assert.Equal(Matches.Expect((pool, 40)), Matches.Of(await scene.DonateNewAsync("u1", 60)));
        var capped = await scene.DonateNewAsync("u1", 10);
        Assert.Equal("", Matches.Of(capped));
        Assert.Equal(0, capped.Long("matchedTotal"));
        // Another donor, and the same donor id at another partner (another person), start afresh.
        Assert.Equal(Matches.Expect((pool, 60)), Matches.Of(await scene.DonateNewAsync("u2", 60)));
        Assert.Equal(Matches.Expect((pool, 100)), Matches.Of(await scene.DonateNewAsync("u1", 150, key: otherPartnerKey)));
        Assert.Equal((260L, 1_000_000L - 260), await scene.PoolUsageAsync(pool));
    }

    [Fact]
    public async Task Per_donor_daily_count_limits_matched_donations()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["perDonorDailyCount"] = 2 });

        Assert.Equal(Matches.Expect((pool, 5)), Matches.Of(await scene.DonateNewAsync("u1", 5)));
        Assert.Equal(Matches.Expect((pool, 7)), Matches.Of(await scene.DonateNewAsync("u1", 7)));
        Assert.Equal("", Matches.Of(await scene.DonateNewAsync("u1", 9)));
        Assert.Equal(Matches.Expect((pool, 9)), Matches.Of(await scene.DonateNewAsync("u2", 9)));
        var poolView = await _api.GetPoolAsync(pool);
        Assert.Equal((21L, 3L), (poolView.Long("matched"), poolView.Long("matchCount")));
    }

    [Fact]
    public async Task Unmatched_donations_do_not_use_the_daily_count()
    {
        // perDonorDailyCount counts *matched* donations: one below minDonation does not use a slot.
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["perDonorDailyCount"] = 1, ["minDonation"] = 10L });

        Assert.Equal("", Matches.Of(await scene.DonateNewAsync("u1", 5)));
        Assert.Equal(Matches.Expect((pool, 10)), Matches.Of(await scene.DonateNewAsync("u1", 10)));
        Assert.Equal("", Matches.Of(await scene.DonateNewAsync("u1", 10)));
    }

    [Fact]
    public async Task Per_project_cap_gives_a_partial_match_per_project()
    {
        var scene = await Scene.CreateAsync(_api, projects: 2);
        var pool = await scene.PoolAsync(new() { ["perProjectCap"] = 100L });
        var (a, b) = (scene.Projects[0], scene.Projects[1]);

        Assert.Equal(Matches.Expect((pool, 70)), Matches.Of(await scene.DonateNewAsync("u1", 70, a)));
        Assert.Equal(Matches.Expect((pool, 30)), Matches.Of(await scene.DonateNewAsync("u2", 70, a)));
        Assert.Equal("", Matches.Of(await scene.DonateNewAsync("u3", 10, a)));
        Assert.Equal(Matches.Expect((pool, 70)), Matches.Of(await scene.DonateNewAsync("u3", 70, b)));

        Assert.Equal((150L, 100L, 3L), await scene.ProjectTotalsAsync(a));
        Assert.Equal((70L, 70L, 1L), await scene.ProjectTotalsAsync(b));
        Assert.Equal((170L, 1_000_000L - 170), await scene.PoolUsageAsync(pool));
    }

    [Fact]
    public async Task Daily_budget_gives_a_partial_match_then_nothing_today()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 1000L, ["dailyBudget"] = 100L });

        Assert.Equal(Matches.Expect((pool, 70)), Matches.Of(await scene.DonateNewAsync("u1", 70)));
        Assert.Equal(Matches.Expect((pool, 30)), Matches.Of(await scene.DonateNewAsync("u2", 70)));
        Assert.Equal("", Matches.Of(await scene.DonateNewAsync("u3", 10)));

        var view = await _api.GetPoolAsync(pool);
        Assert.Equal((100L, 100L, 900L), (view.Long("matched"), view.Long("matchedToday"), view.Long("remaining")));
    }

    [Fact]
    public async Task Budget_gives_a_partial_match_then_the_pool_is_exactly_empty()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 100L });

        Assert.Equal(Matches.Expect((pool, 70)), Matches.Of(await scene.DonateNewAsync("u1", 70)));
        Assert.Equal(Matches.Expect((pool, 30)), Matches.Of(await scene.DonateNewAsync("u2", 70)));
        Assert.Equal("", Matches.Of(await scene.DonateNewAsync("u3", 10)));

        Assert.Equal((100L, 0L), await scene.PoolUsageAsync(pool));
        var campaign = await _api.GetCampaignAsync(scene.CampaignId);
        var summary = Assert.Single(campaign["pools"].AsArray());
        Assert.Equal($"{pool} budget=100 matched=100 remaining=0",
            $"{summary!["poolId"]} budget={summary["budget"]} matched={summary["matched"]} remaining={summary["remaining"]}");
        Assert.Equal((150L, 100L, 3L), await scene.ProjectTotalsAsync());
    }

    [Fact]
    public async Task The_tightest_of_several_limits_wins()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new()
        {
            ["budget"] = 1000L, ["ratioBps"] = 20000, ["perDonationCap"] = 90L, ["perDonorDailyCap"] = 150L, ["perProjectCap"] = 200L,
        });

        Assert.Equal(Matches.Expect((pool, 90)), Matches.Of(await scene.DonateNewAsync("u1", 60))); // per donation: 120 → 90
        Assert.Equal(Matches.Expect((pool, 60)), Matches.Of(await scene.DonateNewAsync("u1", 60))); // donor: 150 − 90
        Assert.Equal(Matches.Expect((pool, 50)), Matches.Of(await scene.DonateNewAsync("u2", 60))); // project: 200 − 150
        Assert.Equal("", Matches.Of(await scene.DonateNewAsync("u3", 60)));
        Assert.Equal((200L, 800L), await scene.PoolUsageAsync(pool));
    }

    [Fact]
    public async Task Donations_below_the_minimum_get_no_match()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["minDonation"] = 50L });

        Assert.Equal("", Matches.Of(await scene.DonateNewAsync("u1", 49)));
        Assert.Equal(Matches.Expect((pool, 50)), Matches.Of(await scene.DonateNewAsync("u1", 50)));
        Assert.Equal((99L, 50L, 2L), await scene.ProjectTotalsAsync());
    }

    [Fact]
    public async Task A_pool_scoped_to_projects_matches_only_those()
    {
        var scene = await Scene.CreateAsync(_api, projects: 2);
        var (inScope, outOfScope) = (scene.Projects[0], scene.Projects[1]);
        var scoped = await scene.PoolAsync(new() { ["projectIds"] = new[] { inScope } });

        Assert.Equal(Matches.Expect((scoped, 30)), Matches.Of(await scene.DonateNewAsync("u1", 30, inScope)));
        Assert.Equal("", Matches.Of(await scene.DonateNewAsync("u1", 40, outOfScope)));
        Assert.Equal((30L, 30L, 1L), await scene.ProjectTotalsAsync(inScope));
        Assert.Equal((40L, 0L, 1L), await scene.ProjectTotalsAsync(outOfScope));
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedMatchingLimitTests(EmbeddedDeployment deployment) : MatchingLimitTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresMatchingLimitTests(PostgresClusterDeployment deployment) : MatchingLimitTests(deployment);
