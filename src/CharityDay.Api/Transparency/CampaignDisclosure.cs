using CharityDay.Contracts;
using CharityDay.Domain.Transparency;

namespace CharityDay.Api.Transparency;

/// <summary>One project's line of the disclosure.</summary>
public sealed record ProjectDisclosure(
    string ProjectId,
    ProjectSettings? Settings,
    long RaisedFen,
    long RefundedFen,
    long DonationCount,
    IReadOnlyDictionary<string, long> RaisedByPartner,
    IReadOnlyList<(string PoolId, string? Sponsor, long MatchedFen)> MatchedByPool)
{
    public long MatchedFen => MatchedByPool.Sum(m => m.MatchedFen);

    /// <summary>SPEC §6 "Use of funds": what the project reported spent, and in how many reports (from the public snapshot).</summary>
    public long SpentFen { get; init; }

    public int ReportCount { get; init; }
}

/// <summary>One pool's line: what its sponsor put up and where it stands.</summary>
public sealed record PoolDisclosure(string PoolId, string? Sponsor, long BudgetFen, long MatchedFen)
{
    public long RemainingFen => Math.Max(0, BudgetFen - MatchedFen);
}

/// <summary>
/// SPEC §6 public disclosure, put together from the ledger's figures (the money) and the campaign's
/// public snapshot (names, sponsors, budgets). Every fen comes from the ledger, so at quiescence the
/// numbers are the public campaign and project reads' numbers.
/// </summary>
public sealed record CampaignDisclosure(
    string CampaignId,
    string? Name,
    IReadOnlyList<ProjectDisclosure> Projects,
    IReadOnlyList<PoolDisclosure> Pools,
    IReadOnlyList<Checkpoint> Checkpoints)
{
    public static CampaignDisclosure Build(string campaignId, CampaignSnapshot? snapshot, DisclosureFigures figures, IReadOnlyList<Checkpoint> checkpoints)
    {
        var sponsors = snapshot?.Pools.ToDictionary(p => p.PoolId, p => p.Sponsor, StringComparer.Ordinal) ?? [];
        var projectIds = new SortedSet<string>(StringComparer.Ordinal);
        projectIds.UnionWith(snapshot?.Projects.Keys ?? []);
        projectIds.UnionWith(figures.Raised.Select(r => r.ProjectId));
        projectIds.UnionWith(figures.Matched.Select(m => m.ProjectId));
        projectIds.UnionWith(figures.Refunded.Select(r => r.ProjectId));
        var raised = figures.Raised.Where(r => r.RaisedFen != 0 || r.Donations != 0).ToLookup(r => r.ProjectId);
        // A conversion pool's payments are its points gifts' own amounts (SPEC §7): in the pool's matched, not a project's.
        var conversionPools = (snapshot?.Pools ?? []).Where(p => p.PointsProgram is not null).Select(p => p.PoolId).ToHashSet(StringComparer.Ordinal);
        var matched = figures.Matched.Where(m => m.MatchedFen != 0 && !conversionPools.Contains(m.PoolId)).ToLookup(m => m.ProjectId);
        var refunded = figures.Refunded.ToLookup(r => r.ProjectId);
        var projects = projectIds.Select(id => new ProjectDisclosure(
            id,
            snapshot?.Projects.GetValueOrDefault(id)?.Settings,
            raised[id].Sum(r => r.RaisedFen),
            refunded[id].Sum(r => r.RefundedFen),
            raised[id].Sum(r => r.Donations),
            raised[id].GroupBy(r => r.PartnerId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(r => r.RaisedFen), StringComparer.Ordinal),
            [.. matched[id].GroupBy(m => m.PoolId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, sponsors.GetValueOrDefault(g.Key), g.Sum(m => m.MatchedFen)))])
        {
            SpentFen = snapshot?.Projects.GetValueOrDefault(id)?.SpentFen ?? 0,
            ReportCount = snapshot?.Projects.GetValueOrDefault(id)?.ReportCount ?? 0,
        }).ToList();
        var matchedByPool = figures.Matched.GroupBy(m => m.PoolId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(m => m.MatchedFen), StringComparer.Ordinal);
        var pools = (snapshot?.Pools ?? []).Select(p => new PoolDisclosure(p.PoolId, p.Sponsor, p.BudgetFen, matchedByPool.GetValueOrDefault(p.PoolId))).ToList();
        return new CampaignDisclosure(campaignId, snapshot?.Settings.Name, projects, pools, checkpoints);
    }
}
