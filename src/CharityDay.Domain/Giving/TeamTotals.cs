namespace CharityDay.Domain.Giving;

/// <summary>A team belongs to its partner (SPEC §7): two platforms' "t1" are two teams.</summary>
public readonly record struct TeamKey(string PartnerId, string TeamId);

/// <summary>
/// One team's own totals: its accepted, not refunded donations and their live matches, and how
/// many distinct donors gave them. A donor is counted while they have at least one live donation in
/// the team, so a refund of their only gift takes them off the count.
/// </summary>
public sealed class TeamTotals
{
    private readonly Dictionary<string, long> _liveDonationsByDonor = new(StringComparer.Ordinal);

    public long RaisedFen { get; private set; }
    public long MatchedFen { get; private set; }
    public long DonationCount { get; private set; }
    public int DonorCount => _liveDonationsByDonor.Count;

    public void AddDonations(string donorId, long amountFen, long count)
    {
        RaisedFen += amountFen;
        DonationCount += count;
        var left = _liveDonationsByDonor.GetValueOrDefault(donorId) + count;
        if (left <= 0)
        {
            _liveDonationsByDonor.Remove(donorId);
        }
        else
        {
            _liveDonationsByDonor[donorId] = left;
        }
    }

    public void AddMatched(long amountFen) => MatchedFen += amountFen;
}

/// <summary>
/// Every team's totals in one campaign, kept by the campaign's write path next to the project
/// totals: changed by the same commits (acceptance, refund, clawback) and rebuilt from the same
/// ledger. Donations without a team cost nothing here. Not thread-safe, like the write path.
/// </summary>
public sealed class TeamBook
{
    private readonly Dictionary<TeamKey, TeamTotals> _teams = [];
    private readonly HashSet<TeamKey> _changed = [];

    public IReadOnlyDictionary<TeamKey, TeamTotals> Teams => _teams;

    public TeamTotals? Find(TeamKey team) => _teams.GetValueOrDefault(team);

    /// <summary>Some team's totals changed since <see cref="TakeChanged"/> was last called.</summary>
    public bool HasChanges => _changed.Count > 0;

    public void Accepted(TeamKey team, string donorId, long amountFen, long matchedFen)
    {
        var totals = Of(team);
        totals.AddDonations(donorId, amountFen, 1);
        totals.AddMatched(matchedFen);
    }

    /// <summary>A refund: the donation and its live matches leave the team.</summary>
    public void Refunded(TeamKey team, string donorId, long amountFen, long liveMatchedFen)
    {
        var totals = Of(team);
        totals.AddDonations(donorId, -amountFen, -1);
        totals.AddMatched(-liveMatchedFen);
    }

    /// <summary>A clawback reversed one match of a team donation: the donation stays, its match leaves.</summary>
    public void MatchReversed(TeamKey team, long amountFen) => Of(team).AddMatched(-amountFen);

    /// <summary>Restores one (team, donor) sum of live donations from the ledger.</summary>
    public void RestoreDonations(TeamKey team, string donorId, long raisedFen, long count) => Of(team).AddDonations(donorId, raisedFen, count);

    public void RestoreMatched(TeamKey team, long matchedFen) => Of(team).AddMatched(matchedFen);

    public void Clear()
    {
        _changed.UnionWith(_teams.Keys);
        _teams.Clear();
    }

    /// <summary>Hands over the teams whose totals changed since the last call (for the read side).</summary>
    public List<TeamKey> TakeChanged()
    {
        var changed = _changed.ToList();
        _changed.Clear();
        return changed;
    }

    private TeamTotals Of(TeamKey team)
    {
        _changed.Add(team);
        if (!_teams.TryGetValue(team, out var totals))
        {
            _teams[team] = totals = new TeamTotals();
        }
        return totals;
    }
}
