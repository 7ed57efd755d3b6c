using System.Data.Common;
using CharityDay.Domain;
using CharityDay.Domain.Writing;
using CharityDay.Storage.Ledger;
using CharityDay.Storage.Migrations;
using CharityDay.Storage.Tests.Migrations;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit;
using static CharityDay.Storage.Tests.Ledger.LedgerDatabases;

namespace CharityDay.Storage.Tests.Ledger;

/// <summary>
/// Issue 18: the durable sums a campaign restores from — sums up to the campaign's mark, moved in
/// the transaction of a batch, plus the rows after it — equal a recomputation from the rows to the
/// fen after any mix of batches (moving the mark or not), refunds and clawbacks on either side of
/// the mark, and refused batches — on both databases.
/// </summary>
public sealed class LedgerSumsTests
{
    private const string Campaign = "campaign";
    private static readonly string[] Pools = ["pool-a", "pool-b", "pool-c"];
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000);

    [Fact]
    public Task Sqlite_sums_equal_a_recomputation_after_a_random_workload() => WithSqlite(RandomWorkloadAsync);

    [Fact]
    public Task Postgres_sums_equal_a_recomputation_after_a_random_workload() => WithPostgres(RandomWorkloadAsync);

    [Fact]
    public Task Sqlite_donor_days_are_the_live_matches_of_the_day() => WithSqlite(DonorDaysAsync);

    [Fact]
    public Task Postgres_donor_days_are_the_live_matches_of_the_day() => WithPostgres(DonorDaysAsync);

    [Fact]
    public async Task Sqlite_a_ledger_written_before_the_sums_gets_them_from_its_migration()
    {
        using var file = new SqliteTestFile();
        await MigrationRunner.ApplySqliteAsync(file.ConnectionString);
        var ledger = new SqliteLedgerStore(file.ConnectionString);
        await ledger.AppendAsync([.. Enumerable.Range(0, 300).Select(i => Donation(new Random(i), i, i))], sumsThrough: Start.AddMilliseconds(150));
        await ledger.RefundAsync(new DonationKey("partner-a", "d-3"), Start);
        // As the ledger was before migration 13: rows, no sums.
        await using (var connection = new SqliteConnection(file.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM project_partner_sums; DELETE FROM pool_project_sums; DELETE FROM pool_day_sums; DELETE FROM campaign_sums_marks; DELETE FROM schema_migrations WHERE version = 13;";
            await command.ExecuteNonQueryAsync();
        }
        // Without sums every row is tail: the restore still reads the truth, only all of it.
        Assert.Equal(300, (await ledger.LoadCampaignAsync(Campaign, null)).TailDonations);

        Assert.Equal(1, await MigrationRunner.ApplySqliteAsync(file.ConnectionString));

        var restored = await ledger.LoadCampaignAsync(Campaign, null);
        Assert.Empty((await ledger.RecomputeCampaignAsync(Campaign)).Differences(restored));
        Assert.Equal((0L, Start.AddMilliseconds(299)), (restored.TailDonations, restored.SumsThrough!.Value));
    }

    private static async Task RandomWorkloadAsync(ILedgerStore ledger)
    {
        var random = new Random(18);
        var written = new List<LedgerDonation>();
        var clock = 0;
        var marksMoved = 0;
        for (var step = 0; step < 80; step++)
        {
            switch (random.Next(10))
            {
                case < 6:
                    // Acceptance times never go back, as the write path stamps them.
                    var batch = Enumerable.Range(0, random.Next(1, 200)).Select(_ => Donation(random, written.Count + random.Next(1_000_000), clock += random.Next(2)))
                        .DistinctBy(d => d.Key).Where(d => written.All(w => w.Key != d.Key)).ToList();
                    var moveMark = random.Next(3) == 0;
                    await ledger.AppendAsync(batch, sumsThrough: moveMark ? batch.Max(d => d.AcceptedAt).AddMilliseconds(-random.Next(2)) : null);
                    marksMoved += moveMark ? 1 : 0;
                    written.AddRange(batch);
                    clock++;
                    break;
                case < 8 when written.Count > 0:
                    var refunded = written[random.Next(written.Count)];
                    await ledger.RefundAsync(refunded.Key, Start.AddMinutes(step));
                    // A second refund changes nothing.
                    Assert.False(await ledger.RefundAsync(refunded.Key, Start.AddMinutes(step)));
                    break;
                case 8:
                    await ledger.ClawbackAsync(Campaign, Pools[random.Next(Pools.Length)], $"donor-{random.Next(20)}", "script", "key", Start.AddMinutes(step));
                    break;
                default:
                    if (written.Count > 0)
                    {
                        // A batch refused on a duplicate id leaves every sum and the mark as they were.
                        var refusedBatch = new List<LedgerDonation> { Donation(random, -1 - step, clock), written[random.Next(written.Count)] };
                        await Assert.ThrowsAsync<DuplicateDonationException>(() => ledger.AppendAsync(refusedBatch, sumsThrough: Start.AddMilliseconds(clock)));
                    }
                    break;
            }
            var differences = (await ledger.LoadCampaignAsync(Campaign, null)).Differences(await ledger.RecomputeCampaignAsync(Campaign));
            Assert.True(differences.Count == 0, $"after step {step}: {string.Join("; ", differences.Take(5))}");
        }
        var sums = await ledger.LoadCampaignAsync(Campaign, null);
        Assert.True(marksMoved > 5, $"the mark moved {marksMoved} times");
        Assert.NotNull(sums.SumsThrough);
        Assert.True(sums.TailDonations > 0 || sums.SumsThrough >= written.Max(d => d.AcceptedAt));
        Assert.Equal(written.Max(d => d.AcceptedAt), sums.LatestAcceptedAt);
        Assert.NotEmpty(sums.PoolDayMatched);
        Assert.Contains(Campaign, await ledger.CampaignIdsAsync());
    }

    private static async Task DonorDaysAsync(ILedgerStore ledger)
    {
        var day = DateOnly.FromDayNumber(739_000);
        LedgerDonation Gift(string id, string donor, DateOnly localDay, params LedgerMatch[] matches) => new(
            "partner-a", id, Campaign, "project-1", donor, 1_000, "CNY", null, null, null, Start, localDay, "accepted", null, matches);
        await ledger.AppendAsync([
            Gift("1", "x", day, new LedgerMatch("pool-a", 300, 10_000), new LedgerMatch("pool-b", 50, 5_000)),
            Gift("2", "x", day, new LedgerMatch("pool-a", 200, 10_000)),
            Gift("3", "x", day.AddDays(-1), new LedgerMatch("pool-a", 999, 10_000)),
            Gift("4", "x", day, new LedgerMatch("pool-a", 70, 10_000)),
            Gift("5", "y", day, new LedgerMatch("pool-b", 40, 10_000)),
        ]);
        await ledger.RefundAsync(new DonationKey("partner-a", "4"), Start);

        var rows = await ledger.LoadDonorDaysAsync(Campaign, new DonorLoad(day,
            [new DonorKey("partner-a", "x"), new DonorKey("partner-a", "y"), new DonorKey("partner-a", "z"), new DonorKey("partner-b", "x")],
            ["pool-a", "pool-b"]));

        Assert.Equal(
            [("pool-a", "x", 500L, 2), ("pool-b", "x", 50L, 1), ("pool-b", "y", 40L, 1)],
            rows.Select(r => (r.PoolId, r.Donor.DonorId, r.MatchedFen, r.MatchCount)).Order().ToList());
        Assert.All(rows, r => Assert.Equal("partner-a", r.Donor.PartnerId));
    }

    private static LedgerDonation Donation(Random random, int i, int acceptedMs = 0)
    {
        var amount = random.Next(1, 5_000);
        var matches = Pools.Where(_ => random.Next(3) == 0).Select(p => new LedgerMatch(p, random.Next(1, amount + 1), 10_000)).ToList();
        return new LedgerDonation(
            random.Next(2) == 0 ? "partner-a" : "partner-b", $"d-{i}", Campaign, $"project-{random.Next(8)}", $"donor-{random.Next(20)}",
            amount, "CNY", null, null, null, Start.AddMilliseconds(acceptedMs), DateOnly.FromDayNumber(739_000 + random.Next(3)), "accepted", null, matches);
    }
}
