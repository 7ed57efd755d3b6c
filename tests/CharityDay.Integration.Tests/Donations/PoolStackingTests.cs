using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>SPEC §3: pools stack; each matches on its own rules, in (priority, poolId) order.</summary>
public abstract class PoolStackingTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task Pools_stack_lower_priority_first_then_by_pool_id()
    {
        var scene = await Scene.CreateAsync(_api);
        var prefix = ApiClient.NewId("stack");
        // Ids sort a < b < c, priorities put them b, c, a: the order must follow priority, not the id.
        var a = await scene.PoolAsync(new() { ["priority"] = 5, ["ratioBps"] = 10000 }, $"{prefix}-a");
        var b = await scene.PoolAsync(new() { ["priority"] = 1, ["ratioBps"] = 5000 }, $"{prefix}-b");
        var c = await scene.PoolAsync(new() { ["priority"] = 1, ["ratioBps"] = 20000 }, $"{prefix}-c");

        var donation = await scene.DonateNewAsync("u1", 100, donationId: "stacked");

        var expected = Matches.Expect((b, 50), (c, 200), (a, 100));
        Assert.Equal(expected, Matches.Of(donation));
        Assert.Equal(350, donation.Long("matchedTotal"));
        Assert.Equal((100L, 350L, 1L), await scene.ProjectTotalsAsync());

        // The order is part of the result: a replay and a read show the same.
        var replay = await scene.DonateAsync("u1", 100, donationId: "stacked");
        Assert.Equal(200, replay.Code);
        Assert.Equal(expected, Matches.Of(replay));
        Assert.Equal(expected, Matches.Of(await _api.GetDonationAsync(scene.Key, "stacked")));
    }

    [Fact]
    public async Task A_pool_that_gives_nothing_does_not_stop_the_next_one()
    {
        var scene = await Scene.CreateAsync(_api);
        var prefix = ApiClient.NewId("stack");
        var empty = await scene.PoolAsync(new() { ["priority"] = 0, ["budget"] = 30L }, $"{prefix}-a");
        var next = await scene.PoolAsync(new() { ["priority"] = 1, ["budget"] = 1000L }, $"{prefix}-b");

        Assert.Equal(Matches.Expect((empty, 30), (next, 50)), Matches.Of(await scene.DonateNewAsync("u1", 50)));
        Assert.Equal(Matches.Expect((next, 50)), Matches.Of(await scene.DonateNewAsync("u2", 50)));
        Assert.Equal((30L, 0L), await scene.PoolUsageAsync(empty));
        Assert.Equal((100L, 900L), await scene.PoolUsageAsync(next));
    }

    [Fact]
    public async Task A_paused_pool_gives_nothing_while_others_still_match()
    {
        var scene = await Scene.CreateAsync(_api);
        var paused = await scene.PoolAsync(new() { ["paused"] = true });
        var live = await scene.PoolAsync(new() { ["ratioBps"] = 5000 });

        Assert.Equal(Matches.Expect((live, 20)), Matches.Of(await scene.DonateNewAsync("u1", 40)));
        Assert.Equal((0L, 1_000_000L), await scene.PoolUsageAsync(paused));
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedPoolStackingTests(EmbeddedDeployment deployment) : PoolStackingTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresPoolStackingTests(PostgresClusterDeployment deployment) : PoolStackingTests(deployment);
