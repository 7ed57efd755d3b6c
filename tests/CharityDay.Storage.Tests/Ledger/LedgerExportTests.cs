using CharityDay.Domain;
using CharityDay.Domain.Transparency;
using CharityDay.Storage.Ledger;
using CharityDay.Storage.Migrations;
using CharityDay.Storage.Tests.Migrations;
using Microsoft.Data.Sqlite;
using Xunit;
using static CharityDay.Storage.Tests.Ledger.LedgerDatabases;

namespace CharityDay.Storage.Tests.Ledger;

/// <summary>
/// SPEC §6 on the ledger, on both databases: the daily export is every donation of one campaign-local
/// day in acceptance order with its status as of now, the summary is the sums of exactly those rows,
/// and over every day they tie out with the campaign's totals to the fen; a pool's statement places
/// each match on its acceptance day and each reversal on the local day it happened.
/// </summary>
public sealed class LedgerExportTests
{
    private const string Campaign = "campaign";
    private static readonly string[] Pools = ["pool-a", "pool-b", "pool-c"];
    private static readonly string[] Partners = ["partner-a", "partner-b", "partner-c"];
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>2026-09-08 16:00:00 UTC: midnight of 9 September in Shanghai (UTC+8).</summary>
    private static readonly DateTimeOffset ShanghaiMidnight = new(2026, 9, 8, 16, 0, 0, TimeSpan.Zero);

    [Fact]
    public Task Sqlite_export_rows_and_summary_tie_out_with_the_campaign_totals() => WithSqlite(RandomWorkloadAsync);

    [Fact]
    public Task Postgres_export_rows_and_summary_tie_out_with_the_campaign_totals() => WithPostgres(RandomWorkloadAsync);

    [Fact]
    public Task Sqlite_a_local_midnight_splits_the_export() => WithSqlite(DayBoundaryAsync);

    [Fact]
    public Task Postgres_a_local_midnight_splits_the_export() => WithPostgres(DayBoundaryAsync);

    [Fact]
    public Task Sqlite_statement_places_reversals_on_their_local_day() => WithSqlite(StatementAsync);

    [Fact]
    public Task Postgres_statement_places_reversals_on_their_local_day() => WithPostgres(StatementAsync);

    [Fact]
    public async Task Sqlite_export_reads_one_day_off_the_index_without_sorting_the_day()
    {
        using var file = new SqliteTestFile();
        await MigrationRunner.ApplySqliteAsync(file.ConnectionString);
        await using var connection = new SqliteConnection(file.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN SELECT d.partner_id FROM donations d WHERE d.campaign_id = 'c' AND d.local_day = 1 AND (NULL IS NULL OR d.partner_id = NULL) " +
            "ORDER BY d.accepted_at, d.partner_id, d.donation_id";
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }
        }
        var text = string.Join(" | ", plan);
        Assert.Contains("donations_by_campaign_day", text);
        // A sort of the whole day would hold it in memory (or a temp file); only ties of one millisecond may be sorted.
        Assert.DoesNotContain(plan, line => line.Contains("TEMP B-TREE FOR ORDER BY", StringComparison.Ordinal));
    }

    private static async Task RandomWorkloadAsync(ILedgerStore ledger)
    {
        var reads = (ILedgerReads)ledger;
        var random = new Random(14);
        var keys = new List<DonationKey>();
        var clock = 0L;
        for (var step = 0; step < 60; step++)
        {
            switch (random.Next(10))
            {
                case < 6:
                    var batch = Enumerable.Range(0, random.Next(1, 80)).Select(_ => Donation(random, keys.Count + random.Next(1_000_000), clock += random.Next(0, 3 * 3_600_000)))
                        .DistinctBy(d => d.Key).Where(d => !keys.Contains(d.Key)).ToList();
                    await ledger.AppendAsync(batch, sumsThrough: random.Next(2) == 0 ? batch.Max(d => d.AcceptedAt) : null);
                    keys.AddRange(batch.Select(d => d.Key));
                    break;
                case < 9 when keys.Count > 0:
                    await ledger.RefundAsync(keys[random.Next(keys.Count)], Start.AddMilliseconds(clock));
                    break;
                default:
                    await ledger.ClawbackAsync(Campaign, Pools[random.Next(Pools.Length)], $"donor-{random.Next(20)}", "script", "key", Start.AddMilliseconds(clock));
                    break;
            }
        }
        var stored = (await ledger.FindAsync(keys)).Values.ToList();
        var days = stored.Select(d => d.LocalDay).Distinct().Order().ToList();
        Assert.True(days.Count >= 3, $"the workload spans {days.Count} days");
        Assert.Contains(stored, d => d.Status == "refunded");
        Assert.Contains(stored, d => d.Status == "accepted" && d.Matches.Any(m => m.Reversal == "clawback"));

        var total = new ExportSums("", 0, 0, 0, 0);
        foreach (var day in days)
        {
            foreach (var partner in Partners.Append(null))
            {
                var rows = await ToListAsync(reads.ExportDonationsAsync(Campaign, day, partner));
                var expected = stored.Where(d => d.LocalDay == day && (partner is null || d.PartnerId == partner))
                    .OrderBy(d => d.AcceptedAt).ThenBy(d => d.PartnerId, StringComparer.Ordinal).ThenBy(d => d.DonationId, StringComparer.Ordinal)
                    .Select(Expected).ToList();
                Assert.Equal(expected, rows);

                var summary = await reads.SummarizeDonationsAsync(Campaign, day, partner);
                Assert.Equal(SumsOf(rows), summary);
                if (partner is null)
                {
                    total = ExportSums.Total([total, .. summary]);
                }
            }
        }
        // Over every day the rows are the campaign's: its raised, matched and count, recomputed from the ledger.
        var campaign = await ledger.RecomputeCampaignAsync(Campaign);
        Assert.Equal(
            (campaign.ProjectRaised.Sum(r => r.RaisedFen), campaign.PoolProjectMatched.Sum(m => m.MatchedFen), campaign.ProjectRaised.Sum(r => r.Count), (long)stored.Count),
            (total.RaisedFen, total.MatchedFen, stored.Count(d => d.Status == "accepted"), total.Count));
        Assert.Equal(stored.Where(d => d.Status == "refunded").Sum(d => d.AmountFen), total.RefundedFen);
    }

    private static async Task DayBoundaryAsync(ILedgerStore ledger)
    {
        var reads = (ILedgerReads)ledger;
        var before = ShanghaiMidnight.AddMilliseconds(-1);
        var at = ShanghaiMidnight;
        // The days as the write path stamps them at acceptance (MatchingBook.LocalDay: the campaign's zone).
        var dayBefore = PoolStatement.LocalDay(before.ToUnixTimeMilliseconds(), Shanghai);
        var dayAt = PoolStatement.LocalDay(at.ToUnixTimeMilliseconds(), Shanghai);
        Assert.Equal((new DateOnly(2026, 9, 8), new DateOnly(2026, 9, 9)), (dayBefore, dayAt));
        await ledger.AppendAsync([Gift("late", before, dayBefore, 100), Gift("early", at, dayAt, 200)]);

        Assert.Equal(["late"], (await ToListAsync(reads.ExportDonationsAsync(Campaign, dayBefore, null))).Select(r => r.DonationId));
        Assert.Equal(["early"], (await ToListAsync(reads.ExportDonationsAsync(Campaign, dayAt, null))).Select(r => r.DonationId));
        Assert.Empty(await ToListAsync(reads.ExportDonationsAsync(Campaign, dayAt.AddDays(1), null)));
        Assert.Equal([new ExportSums("partner-a", 1, 200, 0, 0)], await reads.SummarizeDonationsAsync(Campaign, dayAt, null));
        Assert.Empty(await reads.SummarizeDonationsAsync(Campaign, dayAt, "partner-b"));
    }

    private static async Task StatementAsync(ILedgerStore ledger)
    {
        var reads = (ILedgerReads)ledger;
        var day1 = new DateOnly(2026, 9, 8);
        // Accepted on the 8th (local), refunded a minute after local midnight, clawed back the next evening.
        await ledger.AppendAsync([
            Gift("1", ShanghaiMidnight.AddHours(-5), day1, 1_000, "donor-x", new LedgerMatch("pool-a", 600, 10_000), new LedgerMatch("pool-b", 100, 10_000)),
            Gift("2", ShanghaiMidnight.AddHours(-4), day1, 500, "donor-y", new LedgerMatch("pool-a", 500, 10_000)),
            Gift("3", ShanghaiMidnight.AddHours(-3), day1, 300, "donor-z", new LedgerMatch("pool-a", 300, 10_000)) with { ProjectId = "project-2" },
            Gift("4", ShanghaiMidnight.AddHours(1), day1.AddDays(1), 50, "donor-y", new LedgerMatch("pool-a", 50, 10_000)),
        ]);
        await ledger.RefundAsync(new DonationKey("partner-a", "1"), ShanghaiMidnight.AddMinutes(1));
        await ledger.ClawbackAsync(Campaign, "pool-a", "donor-y", "script", "key", ShanghaiMidnight.AddHours(20));

        var rows = PoolStatement.Rows(await reads.PoolMatchesAsync("pool-a"), Shanghai);

        Assert.Equal(
            [
                new StatementRow("project-1", day1, 1_100, 0),
                new StatementRow("project-2", day1, 300, 0),
                new StatementRow("project-1", day1.AddDays(1), 50, 600 + 550),
            ],
            rows);
        var live = (await ledger.RecomputeCampaignAsync(Campaign)).PoolProjectMatched.Where(m => m.PoolId == "pool-a").Sum(m => m.MatchedFen);
        Assert.Equal(300L, live);
        Assert.Equal(live, rows.Sum(r => r.NetFen));
    }

    private static readonly DateTimeOffset Start = ShanghaiMidnight.AddDays(-1);

    private static LedgerDonation Gift(string id, DateTimeOffset acceptedAt, DateOnly day, long amount, string donor = "donor-x", params LedgerMatch[] matches) =>
        new("partner-a", id, Campaign, "project-1", donor, amount, "CNY", null, null, null, acceptedAt, day, "accepted", null, matches);

    private static LedgerDonation Donation(Random random, int i, long acceptedMs)
    {
        var amount = random.Next(1, 5_000);
        var matches = Pools.Where(_ => random.Next(3) == 0).Select(p => new LedgerMatch(p, random.Next(1, amount + 1), 10_000)).ToList();
        var acceptedAt = Start.AddMilliseconds(acceptedMs);
        return new LedgerDonation(
            Partners[random.Next(Partners.Length)], $"d-{i}", Campaign, $"project-{random.Next(4)}", $"donor-{random.Next(20)}",
            amount, "CNY", null, random.Next(4) == 0 ? "team,\"1\"" : null, null, acceptedAt, PoolStatement.LocalDay(acceptedMs + Start.ToUnixTimeMilliseconds(), Shanghai),
            "accepted", null, matches);
    }

    private static ExportRow Expected(LedgerDonation d) => new(
        d.PartnerId, d.DonationId, d.ProjectId, d.DonorId, d.TeamId, d.AmountFen, d.Status, d.AcceptedAt, d.RefundedAt,
        d.Matches.Where(m => m.IsLive).Sum(m => m.AmountFen), string.Join(';', d.Matches.Select(m => $"{m.PoolId}:{m.AmountFen}")));

    private static List<ExportSums> SumsOf(IEnumerable<ExportRow> rows) =>
        [.. rows.GroupBy(r => r.PartnerId).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new ExportSums(g.Key, g.Count(),
            g.Where(r => r.Status == "accepted").Sum(r => r.AmountFen), g.Where(r => r.Status == "refunded").Sum(r => r.AmountFen),
            g.Where(r => r.Status == "accepted").Sum(r => r.MatchedTotalFen)))];

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }
        return list;
    }
}
