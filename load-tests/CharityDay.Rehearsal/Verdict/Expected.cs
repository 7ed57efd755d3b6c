namespace CharityDay.Rehearsal.Verdict;

public sealed record TotalsFen(long RaisedFen, long MatchedFen, long Count)
{
    public static readonly TotalsFen Zero = new(0, 0, 0);

    public TotalsFen Plus(TotalsFen o) => new(RaisedFen + o.RaisedFen, MatchedFen + o.MatchedFen, Count + o.Count);
}

/// <summary>
/// What the totals must be at quiescence, from the answers alone (SPEC §3, invariant 3): a refunded
/// donation leaves every total and its matches are reversed; a clawed-back donor's matches from that
/// pool are reversed. The order of these events does not matter: a clawback reverses every earlier
/// match and the donor gets none afterwards.
/// </summary>
public sealed class Expected
{
    public Expected(VerdictInput input)
    {
        var refunded = input.Refunds.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var flagged = input.Pools.SelectMany(p => p.Clawbacks.Select(c => (p.PoolId, c.DonorId))).ToHashSet();
        foreach (var d in input.Acknowledged)
        {
            var isRefunded = refunded.Contains(d.Key);
            var live = isRefunded
                ? new Dictionary<string, long>(StringComparer.Ordinal)
                : d.Matches.Where(m => !flagged.Contains((m.Key, d.DonorId))).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
            LiveMatches[d.Key] = live;
            Refunded[d.Key] = isRefunded;
            if (isRefunded)
            {
                continue;
            }

            var t = new TotalsFen(d.AmountFen, live.Values.Sum(), 1);
            Campaign = Campaign.Plus(t);
            Projects[d.ProjectId] = Projects.GetValueOrDefault(d.ProjectId, TotalsFen.Zero).Plus(t);
            var byPartner = ByPartner.TryGetValue(d.ProjectId, out var bp) ? bp : ByPartner[d.ProjectId] = new(StringComparer.Ordinal);
            byPartner[d.PartnerId] = byPartner.GetValueOrDefault(d.PartnerId) + d.AmountFen;
            foreach (var (poolId, amount) in live)
            {
                PoolMatched[poolId] = PoolMatched.GetValueOrDefault(poolId) + amount;
            }
        }

        foreach (var (projectId, totals) in Projects)
        {
            Rollups[projectId] = Rollups.GetValueOrDefault(projectId, TotalsFen.Zero).Plus(totals);
            if (input.ParentOf.GetValueOrDefault(projectId) is { } parent)
            {
                Rollups[parent] = Rollups.GetValueOrDefault(parent, TotalsFen.Zero).Plus(totals);
            }
        }
    }

    public TotalsFen Campaign { get; } = TotalsFen.Zero;

    public Dictionary<string, TotalsFen> Projects { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, TotalsFen> Rollups { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Dictionary<string, long>> ByPartner { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, long> PoolMatched { get; } = new(StringComparer.Ordinal);

    /// <summary>Per donation key: the matches still in force at the end.</summary>
    public Dictionary<string, Dictionary<string, long>> LiveMatches { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, bool> Refunded { get; } = new(StringComparer.Ordinal);
}
