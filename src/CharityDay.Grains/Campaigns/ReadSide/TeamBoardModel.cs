using CharityDay.Contracts;
using CharityDay.Domain.Giving;

namespace CharityDay.Grains.Campaigns.ReadSide;

/// <summary>
/// The team part of the campaign's public snapshot (SPEC §7): every named team and every team with
/// a donation, its totals as the write path keeps them, and the board ordered by raised. Work per
/// publish grows with the teams that changed plus the walk down the board until its lists are
/// full; nothing at all while no team changed. Used only on the writer activation's turns.
/// </summary>
public sealed class TeamBoardModel(TeamBook totals, IReadOnlyDictionary<TeamKey, TeamSettings> names)
{
    private readonly HashSet<TeamKey> _namesChanged = [];
    private readonly SortedSet<TeamReadModel> _order = new(Comparer<TeamReadModel>.Create(TeamReadModel.BoardOrder));
    private TeamBoardSnapshot _published = TeamBoardSnapshot.Empty;

    public bool HasChanges => totals.HasChanges || _namesChanged.Count > 0;

    /// <summary>A team was named or renamed.</summary>
    public void NameChanged(TeamKey team) => _namesChanged.Add(team);

    public TeamBoardSnapshot Publish()
    {
        var changed = totals.TakeChanged();
        changed.AddRange(_namesChanged);
        _namesChanged.Clear();
        if (changed.Count == 0)
        {
            return _published;
        }
        var teams = _published.Teams.ToBuilder();
        foreach (var key in changed.Distinct())
        {
            var id = TeamReadModel.KeyOf(key.PartnerId, key.TeamId);
            if (teams.TryGetValue(id, out var old))
            {
                _order.Remove(old);
            }
            var own = totals.Find(key);
            var named = names.GetValueOrDefault(key);
            if (named is null && (own is null || own is { DonationCount: 0, RaisedFen: 0, MatchedFen: 0 }))
            {
                // An unnamed team exists only through its donations: with none left it leaves the board.
                teams.Remove(id);
                continue;
            }
            var entry = new TeamReadModel(key.PartnerId, key.TeamId, named?.Name, named?.Kind ?? TeamKinds.Team, named?.GoalFen,
                own?.RaisedFen ?? 0, own?.MatchedFen ?? 0, own?.DonationCount ?? 0, own?.DonorCount ?? 0);
            teams[id] = entry;
            _order.Add(entry);
        }
        var depth = CampaignSnapshot.LeaderboardDepth;
        List<TeamReadModel> board = [], teamBoard = [], creatorBoard = [];
        foreach (var entry in _order)
        {
            if (board.Count == depth && teamBoard.Count == depth && creatorBoard.Count == depth)
            {
                break;
            }
            if (board.Count < depth)
            {
                board.Add(entry);
            }
            var ofKind = entry.Kind == TeamKinds.Creator ? creatorBoard : teamBoard;
            if (ofKind.Count < depth)
            {
                ofKind.Add(entry);
            }
        }
        _published = new TeamBoardSnapshot(teams.ToImmutable(), board, teamBoard, creatorBoard);
        return _published;
    }
}
