using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>
/// SPEC §3 invariant 4: once a pool change answered 200, no donation accepted afterwards is
/// matched under the old settings, on any silo (the client takes the next silo for every call).
/// </summary>
public abstract class LivePoolChangeTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task Pause_then_resume_takes_effect_when_acknowledged()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 1000L });

        Assert.Equal(Matches.Expect((pool, 10)), Matches.Of(await scene.DonateNewAsync("u1", 10)));
        var paused = await _api.PatchPoolAsync(pool, new { paused = true });
        ApiClient.Ensure(paused, 200);
        Assert.True(paused["paused"].GetValue<bool>(), paused.Body);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("", Matches.Of(await scene.DonateNewAsync("u1", 10)));
        }
        Assert.True((await _api.GetCampaignAsync(scene.CampaignId))["pools"][0]!["paused"]!.GetValue<bool>());

        ApiClient.Ensure(await _api.PatchPoolAsync(pool, new { paused = false }), 200);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Matches.Expect((pool, 10)), Matches.Of(await scene.DonateNewAsync("u1", 10)));
        }
        Assert.Equal((40L, 960L), await scene.PoolUsageAsync(pool));
        Assert.Equal((70L, 40L, 7L), await scene.ProjectTotalsAsync());
    }

    [Fact]
    public async Task Lowering_the_budget_below_what_is_matched_stops_matching_and_claws_nothing_back()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 1000L });
        var first = await scene.DonateNewAsync("u1", 600);
        Assert.Equal(Matches.Expect((pool, 600)), Matches.Of(first));

        var cut = await _api.PatchPoolAsync(pool, new { budgetDelta = -600L });
        ApiClient.Ensure(cut, 200);
        Assert.Equal((400L, 600L, 0L), (cut.Long("budget"), cut.Long("matched"), cut.Long("remaining")));

        Assert.Equal("", Matches.Of(await scene.DonateNewAsync("u2", 100)));
        Assert.Equal((600L, 0L), await scene.PoolUsageAsync(pool));
        var read = await _api.GetDonationAsync(scene.Key, first["donationId"].GetValue<string>());
        Assert.Equal(Matches.Expect((pool, 600)), Matches.Of(read));
        Assert.Equal((700L, 600L, 2L), await scene.ProjectTotalsAsync());

        // A top-up above what was matched opens it again, by exactly the difference.
        ApiClient.Ensure(await _api.PatchPoolAsync(pool, new { budgetDelta = 250L }), 200);
        Assert.Equal(Matches.Expect((pool, 50)), Matches.Of(await scene.DonateNewAsync("u3", 100)));
        Assert.Equal((650L, 0L), await scene.PoolUsageAsync(pool));
    }

    [Fact]
    public async Task Patching_an_absolute_budget_below_what_is_matched_stops_matching()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 1000L });
        Assert.Equal(Matches.Expect((pool, 600)), Matches.Of(await scene.DonateNewAsync("u1", 600)));

        var cut = await _api.PatchPoolAsync(pool, new { budget = 400L });

        ApiClient.Ensure(cut, 200);
        Assert.Equal((400L, 600L, 0L), (cut.Long("budget"), cut.Long("matched"), cut.Long("remaining")));
        Assert.Equal("", Matches.Of(await scene.DonateNewAsync("u2", 100)));
        Assert.Equal((600L, 0L), await scene.PoolUsageAsync(pool));
    }

    [Fact]
    public async Task A_ratio_or_cap_change_applies_to_the_next_donation()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 10_000L, ["ratioBps"] = 10000 });
        Assert.Equal(Matches.Expect((pool, 100)), Matches.Of(await scene.DonateNewAsync("u1", 100)));

        ApiClient.Ensure(await _api.PatchPoolAsync(pool, new { ratioBps = 20000 }), 200);
        Assert.Equal(Matches.Expect((pool, 200)), Matches.Of(await scene.DonateNewAsync("u1", 100)));

        ApiClient.Ensure(await _api.PatchPoolAsync(pool, new { perDonationCap = 30L }), 200);
        Assert.Equal(Matches.Expect((pool, 30)), Matches.Of(await scene.DonateNewAsync("u1", 100)));

        ApiClient.Ensure(await _api.PatchPoolAsync(pool, new { perDonationCap = (long?)null, perDonorDailyCap = 350L }), 200);
        Assert.Equal(Matches.Expect((pool, 20)), Matches.Of(await scene.DonateNewAsync("u1", 100)));
        Assert.Equal((350L, 10_000L - 350), await scene.PoolUsageAsync(pool));
    }

    [Fact]
    public async Task A_pause_acknowledged_mid_burst_stops_every_later_donation()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 1_000_000L });
        using var cancel = new CancellationTokenSource();
        var clients = deployment.Hosts.Select(_ => deployment.Client()).ToArray();
        var posted = new List<(DateTimeOffset SentAt, ApiResponse Response)>();
        var burst = Task.WhenAll(Enumerable.Range(0, 8).Select(async caller =>
        {
            var n = 0;
            while (!cancel.IsCancellationRequested)
            {
                var sentAt = DateTimeOffset.UtcNow;
                var response = await _api.PostDonationAsync(scene.Key,
                    new { donationId = $"burst-{caller}-{n++}", projectId = scene.Project, donorId = $"u{caller}", amount = 5L },
                    clients[(caller + n) % clients.Length]);
                lock (posted)
                {
                    posted.Add((sentAt, response));
                }
            }
        }));
        await Task.Delay(500);
        var pause = await _api.PatchPoolAsync(pool, new { paused = true });
        var acknowledgedAt = DateTimeOffset.UtcNow;
        ApiClient.Ensure(pause, 200);
        await Task.Delay(500);
        await cancel.CancelAsync();
        await burst;
        Assert.All(posted, p => ApiClient.Ensure(p.Response, 201));
        var after = posted.Where(p => p.SentAt > acknowledgedAt).ToList();
        Assert.NotEmpty(after);
        var matchedAfterPause = after.Where(p => Matches.From(p.Response.Json!, pool) > 0).Select(p => p.Response.Body).ToList();
        Assert.True(matchedAfterPause.Count == 0, $"{matchedAfterPause.Count} donations sent after the pause was acknowledged were matched, e.g. {matchedAfterPause.FirstOrDefault()}");
        var matchedTotal = posted.Sum(p => Matches.From(p.Response.Json!, pool));
        Assert.Equal((matchedTotal, 1_000_000L - matchedTotal), await scene.PoolUsageAsync(pool));
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedLivePoolChangeTests(EmbeddedDeployment deployment) : LivePoolChangeTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresLivePoolChangeTests(PostgresClusterDeployment deployment) : LivePoolChangeTests(deployment);
