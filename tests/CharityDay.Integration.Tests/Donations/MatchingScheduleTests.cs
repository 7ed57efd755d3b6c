using System.Globalization;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>SPEC §3: a pool matches only inside its own window and after its daily opening time.</summary>
public abstract class MatchingScheduleTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task A_pool_matches_only_inside_its_window()
    {
        var scene = await Scene.CreateAsync(_api);
        var now = DateTimeOffset.UtcNow;
        var notYet = await scene.PoolAsync(new() { ["startsAt"] = Scene.Iso(now.AddHours(1)) });
        var over = await scene.PoolAsync(new() { ["startsAt"] = Scene.Iso(now.AddHours(-2)), ["endsAt"] = Scene.Iso(now.AddHours(-1)) });
        var open = await scene.PoolAsync(new() { ["startsAt"] = Scene.Iso(now.AddHours(-1)), ["endsAt"] = Scene.Iso(now.AddHours(1)) });

        var donation = await scene.DonateNewAsync("u1", 40);

        Assert.Equal(Matches.Expect((open, 40)), Matches.Of(donation));
        Assert.Equal((0L, 1_000_000L), await scene.PoolUsageAsync(notYet));
        Assert.Equal((0L, 1_000_000L), await scene.PoolUsageAsync(over));
    }

    [Fact]
    public async Task Donations_outside_the_campaign_window_are_accepted_and_matched_by_the_pools_window()
    {
        var zone = Scene.StableZone();
        var campaignId = ApiClient.NewId("c");
        var now = DateTimeOffset.UtcNow;
        ApiClient.Ensure(await _api.Manager(HttpMethod.Put, $"/v1/admin/campaigns/{campaignId}", new
        {
            name = "Ended campaign", timeZone = zone, startsAt = Scene.Iso(now.AddDays(-3)), endsAt = Scene.Iso(now.AddDays(-2)),
        }), 201);
        var project = await _api.CreateProjectAsync(campaignId);
        var pool = await _api.CreatePoolAsync(campaignId, new() { ["budget"] = 100L });
        var (_, key) = await _api.CreatePartnerAsync();

        var donation = await _api.DonateAsync(key, "late", project, "u1", 30);

        ApiClient.Ensure(donation, 201);
        Assert.Equal(Matches.Expect((pool, 30)), Matches.Of(donation));
    }

    [Fact]
    public async Task A_pool_does_not_match_before_its_daily_opening_time()
    {
        // The zone is chosen so that local now ± 1 hour is the same local day: the test is deterministic.
        var zone = Scene.ZoneWhereLocalHourIsBetween(2, 21);
        var scene = await Scene.CreateAsync(_api, timeZone: zone);
        var local = Scene.LocalNow(zone);
        var opensLater = local.AddHours(1).ToString("HH:mm", CultureInfo.InvariantCulture);
        var openedEarlier = local.AddHours(-1).ToString("HH:mm", CultureInfo.InvariantCulture);
        var closed = await scene.PoolAsync(new() { ["dailyOpensAt"] = opensLater });
        var opened = await scene.PoolAsync(new() { ["dailyOpensAt"] = openedEarlier });

        var donation = await scene.DonateNewAsync("u1", 25);

        Assert.Equal(Matches.Expect((opened, 25)), Matches.Of(donation));
        Assert.Equal((0L, 1_000_000L), await scene.PoolUsageAsync(closed));
    }

    [Fact]
    public async Task Daily_opening_time_is_read_in_the_campaign_time_zone()
    {
        // Same instant, two campaigns, one opening time: open in one zone's local clock, not yet in the other's.
        var now = DateTimeOffset.UtcNow;
        string[] zones = ["Asia/Shanghai", "Europe/London", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "America/Los_Angeles", "Asia/Tokyo"];
        var local = zones.Select(z => (Zone: z, Local: TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(z)).DateTime))
            .Where(x => x.Local.Hour is >= 2 and < 22)
            .OrderBy(x => x.Local.TimeOfDay)
            .ToList();
        var (early, late) = (local[0], local[^1]);
        Assert.True(late.Local.TimeOfDay - early.Local.TimeOfDay > TimeSpan.FromMinutes(30), "need two zones with local clocks apart");
        // Opening between the two local clocks: the later zone is open, the earlier one is not.
        var opensAt = early.Local.AddMinutes((late.Local.TimeOfDay - early.Local.TimeOfDay).TotalMinutes / 2).ToString("HH:mm", CultureInfo.InvariantCulture);

        var notYet = await Scene.CreateAsync(_api, timeZone: early.Zone);
        var notYetPool = await notYet.PoolAsync(new() { ["dailyOpensAt"] = opensAt });
        var open = await Scene.CreateAsync(_api, timeZone: late.Zone);
        var openPool = await open.PoolAsync(new() { ["dailyOpensAt"] = opensAt });

        Assert.Equal("", Matches.Of(await notYet.DonateNewAsync("u1", 10)));
        Assert.Equal(Matches.Expect((openPool, 10)), Matches.Of(await open.DonateNewAsync("u1", 10)));
        Assert.Equal((0L, 1_000_000L), await notYet.PoolUsageAsync(notYetPool));
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedMatchingScheduleTests(EmbeddedDeployment deployment) : MatchingScheduleTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresMatchingScheduleTests(PostgresClusterDeployment deployment) : MatchingScheduleTests(deployment);
