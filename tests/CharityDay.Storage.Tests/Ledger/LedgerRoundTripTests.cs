using CharityDay.Domain;
using CharityDay.Storage.Ledger;
using Xunit;
using static CharityDay.Storage.Tests.Ledger.LedgerDatabases;

namespace CharityDay.Storage.Tests.Ledger;

/// <summary>
/// What a batch writes, a lookup gives back exactly — every column, nulls, stacked matches in their
/// order — on both databases, for batches far larger than one statement's worth of rows.
/// </summary>
public sealed class LedgerRoundTripTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_123);

    private static LedgerDonation Donation(int i) => new(
        i % 3 == 0 ? "partner-b" : "partner-a", $"d-{i}", "campaign", $"project-{i % 7}", $"donor-{i % 11}", 100 + i, "CNY",
        i % 2 == 0 ? null : At.AddMinutes(-i), i % 5 == 0 ? $"team-{i}" : null, i % 4 == 0 ? "app" : null,
        At.AddMilliseconds(i), DateOnly.FromDayNumber(739_000 + (i % 2)), "accepted", null,
        i % 3 == 2 ? [] : [new LedgerMatch("pool-z", 50 + i, 10_000), new LedgerMatch("pool-a", 10, 5_000)]);

    [Fact]
    public Task Sqlite_batch_round_trips_exactly() => WithSqlite(AssertRoundTripAsync);

    [Fact]
    public Task Postgres_batch_round_trips_exactly() => WithPostgres(AssertRoundTripAsync);

    [Fact]
    public Task Sqlite_duplicate_in_a_large_batch_writes_nothing() => WithSqlite(AssertDuplicateRefusedAsync);

    [Fact]
    public Task Postgres_duplicate_in_a_large_batch_writes_nothing() => WithPostgres(AssertDuplicateRefusedAsync);

    private static async Task AssertRoundTripAsync(ILedgerStore ledger)
    {
        var written = Enumerable.Range(0, 2_345).Select(Donation).ToList();
        await ledger.AppendAsync(written);

        var keys = written.Select(d => d.Key).Concat([new DonationKey("partner-a", "never-written")]).ToList();
        var found = await ledger.FindAsync(keys);

        Assert.Equal(written.Count, found.Count);
        foreach (var expected in written)
        {
            var actual = found[expected.Key];
            Assert.Equal(expected with { Matches = [] }, actual with { Matches = [] });
            // Stacking order, not pool id order: pool-z was stacked before pool-a.
            Assert.Equal(expected.Matches, actual.Matches);
        }
        Assert.Equal(written[7], (await ledger.GetAsync(written[7].Key))! with { Matches = written[7].Matches });
        Assert.Null(await ledger.GetAsync(new DonationKey("partner-a", "never-written")));
    }

    private static async Task AssertDuplicateRefusedAsync(ILedgerStore ledger)
    {
        await ledger.AppendAsync([Donation(1_500)]);
        var batch = Enumerable.Range(0, 2_000).Select(Donation).ToList();
        await Assert.ThrowsAsync<DuplicateDonationException>(() => ledger.AppendAsync(batch));
        var found = await ledger.FindAsync([.. batch.Select(d => d.Key)]);
        Assert.Equal([Donation(1_500).Key], found.Keys);
    }
}
