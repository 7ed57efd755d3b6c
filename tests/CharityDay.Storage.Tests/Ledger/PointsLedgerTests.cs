using CharityDay.Domain;
using CharityDay.Storage.Ledger;
using Xunit;
using static CharityDay.Storage.Tests.Ledger.LedgerDatabases;

namespace CharityDay.Storage.Tests.Ledger;

/// <summary>
/// SPEC §7 points gifts in the ledger (migration 0021), on both databases: the points columns round-trip,
/// a restore reads pointsDonated from the live points gifts, and a clawback never reverses a gift's payment.
/// </summary>
public sealed class PointsLedgerTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_123);

    private static LedgerDonation Gift(string id, string project, string donor, long amount, long? points, long? offered, string? program, string pool) => new(
        "partner-a", id, "campaign-pts", project, donor, amount, "CNY", null, null, null, At, DateOnly.FromDayNumber(739_000), "accepted", null,
        [new LedgerMatch(pool, program is null ? amount / 2 : amount, 10_000)], null, points, offered, program);

    [Fact]
    public Task Sqlite_points_gifts_round_trip_restore_and_resist_clawbacks() => WithSqlite(AssertPointsAsync);

    [Fact]
    public Task Postgres_points_gifts_round_trip_restore_and_resist_clawbacks() => WithPostgres(AssertPointsAsync);

    private static async Task AssertPointsAsync(ILedgerStore ledger)
    {
        var gifts = new[]
        {
            Gift("g1", "p1", "u1", 308, 1232, 1234, "bank", "bank-pool"),
            Gift("g2", "p1", "u2", 100, 100, 300, "bank", "bank-pool"),
            Gift("g3", "p2", "u1", 50, 200, 200, "bank", "bank-pool"),
            Gift("o1", "p1", "u1", 400, null, null, null, "open-pool"),
        };
        await ledger.AppendAsync(gifts);

        var found = await ledger.FindAsync([.. gifts.Select(g => g.Key)]);
        foreach (var gift in gifts)
        {
            Assert.Equal(gift with { Matches = [] }, found[gift.Key] with { Matches = [] });
            Assert.Equal(gift with { Matches = [] }, (await ledger.GetAsync(gift.Key))! with { Matches = [] });
        }

        Assert.True(await ledger.RefundAsync(new DonationKey("partner-a", "g2"), At.AddMinutes(1)));
        var snapshot = await ledger.LoadCampaignAsync("campaign-pts", null);
        Assert.Equal([("p1", 1232L), ("p2", 200L)], snapshot.ProjectPoints.OrderBy(p => p.ProjectId, StringComparer.Ordinal).ToList());

        // The bank pool's payments are the gifts themselves: a clawback of u1 reverses none of them.
        Assert.Empty(await ledger.ClawbackAsync("campaign-pts", "bank-pool", "u1", "test", "key-1", At.AddMinutes(2)));
        Assert.Single(await ledger.ClawbackAsync("campaign-pts", "open-pool", "u1", "test", "key-1", At.AddMinutes(2)));
        var after = await ledger.RecomputeCampaignAsync("campaign-pts");
        Assert.Equal(358L, after.PoolProjectMatched.Where(m => m.PoolId == "bank-pool").Sum(m => m.MatchedFen));
    }
}
