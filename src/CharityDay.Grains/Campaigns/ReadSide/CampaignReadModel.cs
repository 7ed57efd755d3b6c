using System.Collections.Immutable;
using CharityDay.Contracts;
using CharityDay.Domain.Matching;

namespace CharityDay.Grains.Campaigns.ReadSide;

/// <summary>
/// What the public reads of one campaign need, kept as the writer changes it and published as
/// immutable snapshots. Work per publish grows with what changed since the last one (and a parent's
/// direct children), never with the number of readers: roll-ups are stored per project, the
/// leaderboard is an ordered index, and the project map is persistent (unchanged entries are shared
/// between snapshots). Used only on the writer activation's turns.
/// </summary>
public sealed class CampaignReadModel(
    IReadOnlyDictionary<string, ProjectSettings> projects,
    IReadOnlyDictionary<string, ProjectTotals> totals,
    TeamBoardModel? teams = null,
    CharityDay.Domain.Giving.PledgeBook? pledges = null,
    Func<string, (long SpentFen, int Count)>? spent = null,
    MerchantBoardModel? merchants = null)
{
    /// <summary>Guards roll-up walks against a parent cycle (parents are checked acyclic when set).</summary>
    private const int MaxDepth = 256;

    private readonly Dictionary<string, List<string>> _children = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly SortedSet<(long Raised, string ProjectId)> _byRaised = new(Comparer<(long Raised, string ProjectId)>.Create(
        (a, b) => a.Raised != b.Raised ? b.Raised.CompareTo(a.Raised) : string.CompareOrdinal(a.ProjectId, b.ProjectId)));
    private readonly Dictionary<string, long> _indexedRaised = new(StringComparer.Ordinal);
    private ImmutableDictionary<string, ProjectReadModel> _published = ImmutableDictionary.Create<string, ProjectReadModel>(StringComparer.Ordinal);
    private Totals _campaignTotals = Totals.Zero;
    private bool _structureChanged = true;
    private bool _changed = true;
    private CampaignSnapshot? _snapshot;

    // Versions start from the wall clock, so a new activation never reuses a version an older one
    // published: a silo's copy from before a restart is never mistaken for the current one.
    private long _version = DateTime.UtcNow.Ticks;

    /// <summary>A project's own totals changed (a donation, a refund, a reversed match).</summary>
    public void TotalsChanged(string projectId)
    {
        _dirty.Add(projectId);
        _changed = true;
    }

    /// <summary>A project was created or its settings replaced.</summary>
    public void ProjectChanged(ProjectSettings? before, ProjectSettings after)
    {
        if (before is null || before.ParentProjectId != after.ParentProjectId)
        {
            _structureChanged = true;
        }
        _dirty.Add(after.ProjectId);
        _changed = true;
    }

    /// <summary>Pools, campaign settings or pool balances changed: the campaign part is rebuilt on the next publish.</summary>
    public void CampaignChanged() => _changed = true;

    /// <summary>Everything may have changed (rebuilt from the ledger).</summary>
    public void Reset()
    {
        _structureChanged = true;
        _changed = true;
    }

    /// <summary>The latest snapshot, built now if anything changed since the last one.</summary>
    public CampaignSnapshot Publish(CampaignSettings settings, Func<IReadOnlyList<PoolSummary>> pools)
    {
        if (!_changed && _snapshot is not null && teams?.HasChanges != true && merchants?.HasChanges != true)
        {
            return _snapshot;
        }
        if (_structureChanged)
        {
            RebuildAll();
        }
        else
        {
            Update(_dirty);
        }
        _dirty.Clear();
        _structureChanged = false;
        _changed = false;
        _snapshot = new CampaignSnapshot(++_version, settings, _campaignTotals, projects.Count, pools(), _published, TopByRaised(), teams?.Publish(),
            merchants?.Publish());
        return _snapshot;
    }

    private void RebuildAll()
    {
        _children.Clear();
        foreach (var project in projects.Values)
        {
            if (project.ParentProjectId is { } parent)
            {
                ChildrenOf(parent).Add(project.ProjectId);
            }
        }
        _published = _published.Clear();
        _campaignTotals = Totals.Zero;
        _byRaised.Clear();
        _indexedRaised.Clear();
        Update(new HashSet<string>(projects.Keys, StringComparer.Ordinal));
    }

    /// <summary>Refreshes the changed projects and every ancestor, children before parents.</summary>
    private void Update(IReadOnlySet<string> changed)
    {
        var affected = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var id in changed)
        {
            if (!projects.ContainsKey(id))
            {
                continue;
            }
            var (current, depth) = (id, 0);
            while (depth < MaxDepth && affected.TryAdd(current, 0))
            {
                if (projects.GetValueOrDefault(current)?.ParentProjectId is not { } parent || !projects.ContainsKey(parent))
                {
                    break;
                }
                (current, depth) = (parent, depth + 1);
            }
        }
        foreach (var id in affected.Keys.ToList())
        {
            affected[id] = DepthOf(id);
        }
        var builder = _published.ToBuilder();
        foreach (var id in affected.OrderByDescending(a => a.Value).Select(a => a.Key))
        {
            var own = OwnTotals(id);
            var rollup = own;
            if (_children.TryGetValue(id, out var children))
            {
                foreach (var child in children)
                {
                    if (builder.TryGetValue(child, out var published))
                    {
                        rollup = rollup.Plus(published.Rollup);
                    }
                }
            }
            var before = builder.GetValueOrDefault(id);
            _campaignTotals = _campaignTotals.Plus(own).Plus(Negate(before?.Own ?? Totals.Zero));
            var byPartner = before is not null && !changed.Contains(id) ? before.RaisedByPartner : ByPartner(id);
            var (activePledges, monthlyPledged) = pledges?.OfProject(id) ?? default;
            var (spentFen, reportCount) = spent?.Invoke(id) ?? default;
            var ownTotals = totals.GetValueOrDefault(id);
            builder[id] = new ProjectReadModel(projects[id], own, byPartner, rollup, activePledges, monthlyPledged, spentFen, reportCount,
                ownTotals?.PointsDonated ?? 0, ownTotals?.MerchantRaisedFen ?? 0, ownTotals?.MerchantOrders ?? 0);
            Index(id, own.RaisedFen);
        }
        _published = builder.ToImmutable();
    }

    private int DepthOf(string id)
    {
        var depth = 0;
        while (depth < MaxDepth && projects.GetValueOrDefault(id)?.ParentProjectId is { } parent && projects.ContainsKey(parent))
        {
            (id, depth) = (parent, depth + 1);
        }
        return depth;
    }

    private void Index(string projectId, long raised)
    {
        if (_indexedRaised.TryGetValue(projectId, out var old))
        {
            if (old == raised)
            {
                return;
            }
            _byRaised.Remove((old, projectId));
        }
        _byRaised.Add((raised, projectId));
        _indexedRaised[projectId] = raised;
    }

    private List<LeaderboardEntry> TopByRaised()
    {
        var top = new List<LeaderboardEntry>(Math.Min(_byRaised.Count, CampaignSnapshot.LeaderboardDepth));
        foreach (var (_, projectId) in _byRaised)
        {
            if (top.Count == CampaignSnapshot.LeaderboardDepth)
            {
                break;
            }
            var entry = _published[projectId];
            top.Add(new LeaderboardEntry(projectId, entry.Settings.Name, entry.Own.RaisedFen, entry.Own.MatchedFen));
        }
        return top;
    }

    private List<string> ChildrenOf(string parent)
    {
        if (!_children.TryGetValue(parent, out var list))
        {
            _children[parent] = list = [];
        }
        return list;
    }

    private Totals OwnTotals(string projectId) =>
        totals.TryGetValue(projectId, out var t) ? new Totals(t.RaisedFen, t.MatchedFen, t.DonationCount) : Totals.Zero;

    /// <summary>Copied only for a project whose own money moved; an ancestor refreshed for its roll-up keeps its copy.</summary>
    private IReadOnlyDictionary<string, long> ByPartner(string projectId) =>
        totals.TryGetValue(projectId, out var t) && t.RaisedByPartner.Count > 0
            ? t.RaisedByPartner.ToImmutableDictionary(StringComparer.Ordinal)
            : ImmutableDictionary<string, long>.Empty;

    private static Totals Negate(Totals t) => new(-t.RaisedFen, -t.MatchedFen, -t.DonationCount);
}
