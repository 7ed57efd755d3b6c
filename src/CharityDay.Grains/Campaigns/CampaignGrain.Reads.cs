using CharityDay.Contracts;
using Microsoft.Extensions.Logging;

namespace CharityDay.Grains.Campaigns;

/// <summary>
/// Reads of the campaign's live totals. Each is computed in one turn, so it is one consistent
/// snapshot; after a failed write they first rebuild from the ledger, so a read never keeps
/// showing matches that were never committed.
/// </summary>
public sealed partial class CampaignGrain
{
    public async Task<CampaignView?> GetView()
    {
        await EnsureFreshForReadAsync();
        if (state.State.Settings is not { } settings)
        {
            return null;
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
        return new CampaignView(settings, totals, _projects.Count, pools);
    }

    public async Task<ProjectTotalsView> GetProjectTotals(string projectId)
    {
        await EnsureFreshForReadAsync();
        var byPartner = _totals.TryGetValue(projectId, out var t)
            ? new Dictionary<string, long>(t.RaisedByPartner, StringComparer.Ordinal)
            : [];
        return new ProjectTotalsView(OwnTotals(projectId), byPartner, RollupTotals(projectId));
    }

    public async Task<IReadOnlyList<LeaderboardEntry>> Leaderboard(int top)
    {
        await EnsureFreshForReadAsync();
        IReadOnlyList<LeaderboardEntry> entries = [.. _projects.Values
            .Select(p => (Project: p, Totals: OwnTotals(p.ProjectId)))
            .OrderByDescending(x => x.Totals.RaisedFen)
            .ThenBy(x => x.Project.ProjectId, StringComparer.Ordinal)
            .Take(top)
            .Select(x => new LeaderboardEntry(x.Project.ProjectId, x.Project.Name, x.Totals.RaisedFen, x.Totals.MatchedFen))];
        return entries;
    }

    public async Task<PoolUsageView> GetPoolUsage(string poolId)
    {
        await EnsureFreshForReadAsync();
        var matched = _book.MatchedFen(poolId);
        var budget = _pools.TryGetValue(poolId, out var pool) ? pool.BudgetFen : 0;
        var today = _book.LocalDay(time.GetUtcNow());
        return new PoolUsageView(matched, _book.MatchedOnDayFen(poolId, today), _book.MatchCount(poolId), Math.Max(0, budget - matched));
    }

    private async Task EnsureFreshForReadAsync()
    {
        if (!_bookStale)
        {
            return;
        }
        await _writeLock.WaitAsync();
        try
        {
            await EnsureBookFreshAsync();
        }
        catch (Exception e)
        {
            // The ledger is unreachable: a read still answers, with what the book holds.
            logger.LogWarning(e, "Campaign {CampaignId} could not rebuild from the ledger for a read", CampaignId);
        }
        finally
        {
            _writeLock.Release();
        }
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
