using CharityDay.Domain.Transparency;
using CsCheck;
using Xunit;

namespace CharityDay.Domain.Tests.Transparency;

/// <summary>
/// SPEC §6 sponsor statement: for any matches and reversals, the rows' net sums to what the pool still
/// holds matched, and each reversal lands on the campaign-local day of its instant.
/// </summary>
public sealed class PoolStatementTests
{
    private static readonly string[] Zones = ["Asia/Shanghai", "Asia/Kathmandu", "America/New_York", "Pacific/Chatham", "Europe/London", "UTC"];
    private static readonly long Start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>A match: project, acceptance instant, amount, and the instant it was reversed, if it was.</summary>
    private sealed record Match(string ProjectId, long AcceptedMs, long AmountFen, long? ReversedMs);

    private static readonly Gen<Match> MatchGen =
        Gen.Select(Gen.Int[0, 3], Gen.Long[0, 250L * 86_400_000], Gen.Long[1, 100_000], Gen.Bool, Gen.Long[0, 30L * 86_400_000], (project, at, amount, reversed, after) =>
            new Match($"p{project}", Start + at, amount, reversed ? Start + at + after : null));

    [Fact]
    public void Rows_net_sums_to_the_live_matched_and_reversals_land_on_their_local_day() =>
        Gen.Select(MatchGen.Array[0, 60], Gen.OneOf(Zones)).Sample((matches, zoneId) =>
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
            // What the ledger store hands over: matched per project and acceptance day, reversals per bucket.
            var ledger = new PoolMatchLedger(
                [.. matches.GroupBy(m => (m.ProjectId, PoolStatement.LocalDay(m.AcceptedMs, zone))).Select(g => (g.Key.ProjectId, g.Key.Item2, g.Sum(m => m.AmountFen)))],
                [.. matches.Where(m => m.ReversedMs is not null)
                    .GroupBy(m => (m.ProjectId, m.ReversedMs!.Value / PoolStatement.BucketMs))
                    .Select(g => (g.Key.ProjectId, g.Key.Item2 * PoolStatement.BucketMs, g.Sum(m => m.AmountFen)))]);

            var rows = PoolStatement.Rows(ledger, zone);

            Assert.Equal(matches.Where(m => m.ReversedMs is null).Sum(m => m.AmountFen), rows.Sum(r => r.NetFen));
            var reversedByDay = matches.Where(m => m.ReversedMs is not null)
                .GroupBy(m => (m.ProjectId, PoolStatement.LocalDay(m.ReversedMs!.Value, zone)))
                .ToDictionary(g => g.Key, g => g.Sum(m => m.AmountFen));
            Assert.Equal(reversedByDay.OrderBy(e => e.Key).Select(e => (e.Key.ProjectId, e.Key.Item2, e.Value)),
                rows.Where(r => r.ReversedFen != 0).Select(r => (r.ProjectId, r.Day, r.ReversedFen)).OrderBy(e => (e.ProjectId, e.Day)));
            Assert.Equal(rows.Count, rows.Select(r => (r.ProjectId, r.Day)).Distinct().Count());
        }, iter: 300);
}
