namespace CharityDay.Domain.Transparency;

/// <summary>One line of a sponsor statement: a project on a campaign-local day.</summary>
public sealed record StatementRow(string ProjectId, DateOnly Day, long MatchedFen, long ReversedFen)
{
    public long NetFen => MatchedFen - ReversedFen;
}

/// <summary>
/// SPEC §6 sponsor statement: one row per project and campaign-local day, <c>matched</c> on the day
/// of acceptance, <c>reversed</c> on the day the match was taken back. Every match is counted once
/// in <c>matched</c> and every reversed match once more in <c>reversed</c>, so the rows' net sums to
/// the pool's live matched, whatever the days.
/// </summary>
public static class PoolStatement
{
    /// <summary>
    /// Reversal instants are grouped by the database in buckets of 15 minutes: every time zone in use
    /// has an offset (and moves it, at DST) in whole quarter hours, so no bucket straddles a local
    /// midnight, and a day of reversals costs at most 96 groups per project however many there were.
    /// </summary>
    public const long BucketMs = 15 * 60 * 1000;

    public static IReadOnlyList<StatementRow> Rows(PoolMatchLedger ledger, TimeZoneInfo zone)
    {
        var rows = new Dictionary<(string ProjectId, DateOnly Day), (long Matched, long Reversed)>();
        foreach (var (projectId, day, matched) in ledger.Matched)
        {
            var current = rows.GetValueOrDefault((projectId, day));
            rows[(projectId, day)] = (current.Matched + matched, current.Reversed);
        }
        foreach (var (projectId, bucketStartMs, reversed) in ledger.Reversed)
        {
            var day = LocalDay(bucketStartMs, zone);
            var current = rows.GetValueOrDefault((projectId, day));
            rows[(projectId, day)] = (current.Matched, current.Reversed + reversed);
        }
        return [.. rows
            .Select(r => new StatementRow(r.Key.ProjectId, r.Key.Day, r.Value.Matched, r.Value.Reversed))
            .OrderBy(r => r.Day)
            .ThenBy(r => r.ProjectId, StringComparer.Ordinal)];
    }

    /// <summary>The campaign-local day of an instant, as the write path computes it for acceptance.</summary>
    public static DateOnly LocalDay(long unixMs, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(unixMs), zone).DateTime);
}
