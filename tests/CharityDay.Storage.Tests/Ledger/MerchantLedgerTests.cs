using CharityDay.Domain;
using CharityDay.Domain.Giving;
using CharityDay.Storage.Ledger;
using Xunit;
using static CharityDay.Storage.Tests.Ledger.LedgerDatabases;

namespace CharityDay.Storage.Tests.Ledger;

/// <summary>
/// SPEC §7 merchant gifts in the ledger (migration 0023), on both databases: order_count round-trips, a
/// restore reads the live merchant gifts per project and per merchant, and a clawback of the merchant's
/// donor string reverses its gifts' matches only, not the person's of the same id.
/// </summary>
public sealed class MerchantLedgerTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_456);

    private static LedgerDonation Gift(string id, string project, string donor, long amount, int? orders) => new(
        "partner-a", id, "campaign-shop", project, donor, amount, "CNY", null, null, null, At, DateOnly.FromDayNumber(739_000), "accepted", null,
        [new LedgerMatch("pool", amount / 2, 5_000)], OrderCount: orders);

    [Fact]
    public Task Sqlite_merchant_gifts_round_trip_restore_and_are_clawed_back_apart_from_persons() => WithSqlite(AssertMerchantsAsync);

    [Fact]
    public Task Postgres_merchant_gifts_round_trip_restore_and_are_clawed_back_apart_from_persons() => WithPostgres(AssertMerchantsAsync);

    private static async Task AssertMerchantsAsync(ILedgerStore ledger)
    {
        var shop = MerchantDonor.DonorOf("shop");
        var gifts = new[]
        {
            Gift("m1", "p1", shop, 400, 30),
            Gift("m2", "p1", shop, 200, 1_000_000),
            Gift("m3", "p2", MerchantDonor.DonorOf("stall"), 90, 9),
            Gift("u1", "p1", "shop", 100, null),
        };
        await ledger.AppendAsync(gifts);

        var found = await ledger.FindAsync([.. gifts.Select(g => g.Key)]);
        foreach (var gift in gifts)
        {
            Assert.Equal(gift with { Matches = [] }, found[gift.Key] with { Matches = [] });
            Assert.Equal(gift with { Matches = [] }, (await ledger.GetAsync(gift.Key))! with { Matches = [] });
        }

        Assert.True(await ledger.RefundAsync(new DonationKey("partner-a", "m1"), At.AddMinutes(1)));
        var snapshot = await ledger.LoadCampaignAsync("campaign-shop", null);
        Assert.Equal([("p1", 200L, 1_000_000L), ("p2", 90L, 9L)], snapshot.ProjectMerchantGifts.OrderBy(p => p.ProjectId, StringComparer.Ordinal).ToList());
        Assert.Equal([("partner-a", shop, 200L, 1_000_000L, 1L), ("partner-a", MerchantDonor.DonorOf("stall"), 90L, 9L, 1L)],
            snapshot.MerchantGifts.OrderBy(m => m.Donor, StringComparer.Ordinal).ToList());

        // The merchant's clawback takes back its live gift's match; the person "shop" keeps theirs.
        var reversed = await ledger.ClawbackAsync("campaign-shop", "pool", shop, "fake orders", "key-1", At.AddMinutes(2));
        Assert.Equal(["m2"], reversed.Select(r => r.DonationId));
        Assert.Single(await ledger.ClawbackAsync("campaign-shop", "pool", "shop", "scripted", "key-1", At.AddMinutes(3)));
    }
}
