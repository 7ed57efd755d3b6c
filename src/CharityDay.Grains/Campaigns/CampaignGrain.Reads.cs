using CharityDay.Contracts;

namespace CharityDay.Grains.Campaigns;

/// <summary>Reads of the campaign's live totals. Synchronous, so each is one consistent snapshot.</summary>
public sealed partial class CampaignGrain
{
    public Task<CampaignView?> GetView()
    {
        if (state.State.Settings is not { } settings)
        {
            return Task.FromResult<CampaignView?>(null);
        }
        var totals = _projects.Keys.Aggregate(Totals.Zero, (sum, id) => sum.Plus(OwnTotals(id)));
        var pools = _pools.Values
            .OrderBy(p => p.PoolId, StringComparer.Ordinal)
            .Select(p =>
            {
                var matched = _book.MatchedFen(p.PoolId);
                return new PoolSummary(p.PoolId, p.Sponsor, p.BudgetFen, matched, Math.Max(0, p.BudgetFen - matched), p.Paused);
            })
            .ToList();
        return Task.FromResult<CampaignView?>(new CampaignView(settings, totals, _projects.Count, pools));
    }

    public Task<ProjectTotalsView> GetProjectTotals(string projectId)
    {
        var byPartner = _totals.TryGetValue(projectId, out var t)
            ? new Dictionary<string, long>(t.RaisedByPartner, StringComparer.Ordinal)
            : [];
        return Task.FromResult(new ProjectTotalsView(OwnTotals(projectId), byPartner, RollupTotals(projectId)));
    }

    public Task<IReadOnlyList<LeaderboardEntry>> Leaderboard(int top)
    {
        IReadOnlyList<LeaderboardEntry> entries = [.. _projects.Values
            .Select(p => (Project: p, Totals: OwnTotals(p.ProjectId)))
            .OrderByDescending(x => x.Totals.RaisedFen)
            .ThenBy(x => x.Project.ProjectId, StringComparer.Ordinal)
            .Take(top)
            .Select(x => new LeaderboardEntry(x.Project.ProjectId, x.Project.Name, x.Totals.RaisedFen, x.Totals.MatchedFen))];
        return Task.FromResult(entries);
    }

    public Task<PoolUsageView> GetPoolUsage(string poolId)
    {
        var matched = _book.MatchedFen(poolId);
        var budget = _pools.TryGetValue(poolId, out var pool) ? pool.BudgetFen : 0;
        var today = _book.LocalDay(time.GetUtcNow());
        return Task.FromResult(new PoolUsageView(matched, _book.MatchedOnDayFen(poolId, today), _book.MatchCount(poolId), Math.Max(0, budget - matched)));
    }

    private Totals OwnTotals(string projectId) =>
        _totals.TryGetValue(projectId, out var t) ? new Totals(t.RaisedFen, t.MatchedFen, t.DonationCount) : Totals.Zero;

    /// <summary>The project and all its descendants; parents are checked acyclic when set.</summary>
    private Totals RollupTotals(string projectId)
    {
        var sum = Totals.Zero;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>([projectId]);
        while (stack.TryPop(out var id))
        {
            if (!seen.Add(id))
            {
                continue;
            }
            sum = sum.Plus(OwnTotals(id));
            foreach (var child in _projects.Values.Where(p => p.ParentProjectId == id))
            {
                stack.Push(child.ProjectId);
            }
        }
        return sum;
    }
}
