using CharityDay.Domain.Matching;
using CharityDay.Domain.Writing;

namespace CharityDay.Domain.Tests.Matching.Simulation;

/// <summary>
/// The durable part of the simulation: what survives a silo death. Each write is one
/// transaction, all or nothing, like <c>SqlLedgerStore</c>'s batch append, refund and clawback —
/// a batch may move the durable sums' mark forward, and a refund or clawback of a row up to the
/// mark changes the sums, each in the same transaction, as the SQL does. <see cref="Load"/> answers
/// the restore's queries (the sums plus the tail after the mark), <see cref="Recompute"/> the
/// verification's GROUP BY queries of all the rows, <see cref="DonorDays"/> a batch's donor lookup.
/// </summary>
internal sealed class SimulatedLedger(int seed)
{
    private readonly List<DonationKey> _commitOrder = [];
    private readonly Dictionary<DonationKey, LedgerRow> _rows = [];
    private readonly HashSet<(string PoolId, string DonorId)> _clawbacks = [];
    private readonly Dictionary<(string ProjectId, string PartnerId), (long Fen, long Count)> _raisedSums = [];
    private readonly Dictionary<(string PoolId, string ProjectId), (long Fen, long Count)> _poolProjectSums = [];
    private readonly Dictionary<(string PoolId, DateOnly Day), long> _poolDaySums = [];

    /// <summary>The sums cover the rows accepted up to here (<c>campaign_sums_marks</c>); the rows after it are the tail.</summary>
    private long _markMs = -1;

    // SQL promises no order for GROUP BY rows, so the rebuild gets them shuffled: a restore that
    // only worked in one order would fail here.
    private readonly Random _groupOrder = new(seed ^ 0x5EED);

    public int Count => _commitOrder.Count;

    /// <summary>Grows with every committed write, so a reader knows when to look again.</summary>
    public long Version { get; private set; }

    public IEnumerable<LedgerRow> Rows => _commitOrder.Select(key => _rows[key]);

    public IReadOnlySet<(string PoolId, string DonorId)> Clawbacks => _clawbacks;

    public LedgerRow? Find(DonationKey key) => _rows.GetValueOrDefault(key);

    public LedgerRow RowAt(int index) => _rows[_commitOrder[index]];

    /// <summary>
    /// One transaction: a key already present (the primary key) refuses the whole batch. With
    /// <paramref name="sumsThrough"/>, the sums' mark moves there and the rows in between are added to the sums.
    /// </summary>
    public void Append(IReadOnlyList<LedgerRow> rows, DateTimeOffset? sumsThrough = null)
    {
        if (rows.Any(r => _rows.ContainsKey(r.Key)) || rows.Select(r => r.Key).Distinct().Count() != rows.Count)
        {
            throw new InvalidOperationException("duplicate (partner_id, donation_id): the batch is refused whole");
        }
        foreach (var row in rows)
        {
            _commitOrder.Add(row.Key);
            _rows[row.Key] = row;
        }
        if (sumsThrough?.ToUnixTimeMilliseconds() is { } throughMs && throughMs > _markMs)
        {
            foreach (var row in Rows.Where(r => Ms(r) > _markMs && Ms(r) <= throughMs))
            {
                if (!row.Refunded)
                {
                    AddRaised(row, +1);
                }
                foreach (var match in row.Matches.Where(m => m.IsLive))
                {
                    AddMatched(row, match, +1);
                }
            }
            _markMs = throughMs;
        }
        Version++;
    }

    private static long Ms(LedgerRow row) => row.AcceptedAt.ToUnixTimeMilliseconds();

    private bool InSums(LedgerRow row) => Ms(row) <= _markMs;

    /// <returns>false when the donation is unknown or already refunded (the UPDATE changed no row).</returns>
    public bool Refund(DonationKey key)
    {
        if (!_rows.TryGetValue(key, out var row) || row.Refunded)
        {
            return false;
        }
        if (InSums(row))
        {
            AddRaised(row, -1);
            foreach (var match in row.Matches.Where(m => m.IsLive))
            {
                AddMatched(row, match, -1);
            }
        }
        _rows[key] = row with
        {
            Refunded = true,
            Matches = [.. row.Matches.Select(m => m.IsLive ? m with { Reversal = "refund" } : m)],
        };
        Version++;
        return true;
    }

    /// <summary>
    /// Reverses every live match the pool gave the donor id — on every partner, as the SQL
    /// selects by <c>donor_id</c> alone — and records the flag.
    /// </summary>
    public IReadOnlyList<(LedgerRow Donation, LedgerMatchRow Match)> Clawback(string poolId, string donorId)
    {
        var reversed = new List<(LedgerRow, LedgerMatchRow)>();
        foreach (var key in _commitOrder)
        {
            var row = _rows[key];
            if (row.DonorId != donorId || !row.Matches.Any(m => m.IsLive && m.PoolId == poolId))
            {
                continue;
            }
            reversed.AddRange(row.Matches.Where(m => m.IsLive && m.PoolId == poolId).Select(m => (row, m)));
            foreach (var match in row.Matches.Where(m => m.IsLive && m.PoolId == poolId && InSums(row)))
            {
                AddMatched(row, match, -1);
            }
            _rows[key] = row with { Matches = [.. row.Matches.Select(m => m.IsLive && m.PoolId == poolId ? m with { Reversal = "clawback" } : m)] };
        }
        _clawbacks.Add((poolId, donorId));
        Version++;
        return reversed;
    }

    /// <summary>The queries of <c>LoadCampaignAsync</c>: the durable sums, the last minute's donations when asked, the flags.</summary>
    public CampaignLedgerSnapshot Load(DateTimeOffset? recentSince)
    {
        var snapshot = new CampaignLedgerSnapshot();
        snapshot.ProjectRaised.AddRange(Shuffled(_raisedSums.Select(e => (e.Key.ProjectId, e.Key.PartnerId, e.Value.Fen, e.Value.Count))));
        snapshot.PoolProjectMatched.AddRange(Shuffled(_poolProjectSums.Select(e => (e.Key.PoolId, e.Key.ProjectId, e.Value.Fen, e.Value.Count))));
        snapshot.PoolDayMatched.AddRange(Shuffled(_poolDaySums.Select(e => (e.Key.PoolId, e.Key.Day, e.Value))));
        // The tail: the rows after the mark, as they stand now.
        var tail = Rows.Where(r => Ms(r) > _markMs).ToList();
        var tailLive = tail.SelectMany(r => r.Matches.Where(m => m.IsLive).Select(m => (Row: r, Match: m))).ToList();
        snapshot.ProjectRaised.AddRange(Shuffled(tail.Where(r => !r.Refunded).GroupBy(r => (r.ProjectId, r.Key.PartnerId))
            .Select(g => (g.Key.ProjectId, g.Key.PartnerId, g.Sum(r => r.AmountFen), (long)g.Count()))));
        snapshot.PoolProjectMatched.AddRange(Shuffled(tailLive.GroupBy(x => (x.Match.PoolId, x.Row.ProjectId))
            .Select(g => (g.Key.PoolId, g.Key.ProjectId, g.Sum(x => x.Match.AmountFen), (long)g.Count()))));
        snapshot.PoolDayMatched.AddRange(Shuffled(tailLive.GroupBy(x => (x.Match.PoolId, x.Row.LocalDay))
            .Select(g => (g.Key.PoolId, g.Key.LocalDay, g.Sum(x => x.Match.AmountFen)))));
        snapshot.TailDonations = tail.Count;
        var latest = _commitOrder.Count == 0 ? (long?)null : Math.Max(_markMs, Rows.Max(Ms));
        snapshot.LatestAcceptedAt = latest is { } ms and >= 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
        snapshot.SumsThrough = _markMs >= 0 ? DateTimeOffset.FromUnixTimeMilliseconds(_markMs) : null;
        if (recentSince is { } since)
        {
            // accepted_at is stored in milliseconds and compared there; any status counts, as in the SQL.
            var sinceMs = since.ToUnixTimeMilliseconds();
            snapshot.RecentDonations.AddRange(Rows
                .Where(r => r.AcceptedAt.ToUnixTimeMilliseconds() > sinceMs)
                .OrderBy(r => r.AcceptedAt)
                .Select(r => (r.Key.PartnerId, r.DonorId, r.AcceptedAt)));
        }
        // Sorted first: a set of strings iterates in an order that changes from process to process.
        snapshot.Clawbacks.AddRange(Shuffled(_clawbacks.OrderBy(c => c.PoolId, StringComparer.Ordinal).ThenBy(c => c.DonorId, StringComparer.Ordinal)));
        return snapshot;
    }

    /// <summary>The queries of <c>RecomputeCampaignAsync</c>: the same sums grouped from the rows.</summary>
    public CampaignLedgerSnapshot Recompute()
    {
        var snapshot = new CampaignLedgerSnapshot();
        var rows = Rows.ToList();
        var live = rows.SelectMany(r => r.Matches.Where(m => m.IsLive).Select(m => (Row: r, Match: m))).ToList();
        snapshot.ProjectRaised.AddRange(rows.Where(r => !r.Refunded)
            .GroupBy(r => (r.ProjectId, r.Key.PartnerId))
            .Select(g => (g.Key.ProjectId, g.Key.PartnerId, g.Sum(r => r.AmountFen), (long)g.Count())));
        snapshot.PoolProjectMatched.AddRange(live
            .GroupBy(x => (x.Match.PoolId, x.Row.ProjectId))
            .Select(g => (g.Key.PoolId, g.Key.ProjectId, g.Sum(x => x.Match.AmountFen), (long)g.Count())));
        snapshot.PoolDayMatched.AddRange(live
            .GroupBy(x => (x.Match.PoolId, x.Row.LocalDay))
            .Select(g => (g.Key.PoolId, g.Key.LocalDay, g.Sum(x => x.Match.AmountFen))));
        return snapshot;
    }

    /// <summary>The query of <c>LoadDonorDaysAsync</c>: each asked donor's live matches on the day, per pool.</summary>
    public List<DonorDayRow> DonorDays(DonorLoad load)
    {
        var donors = load.Donors.ToHashSet();
        var pools = load.PoolIds.ToHashSet(StringComparer.Ordinal);
        return Shuffled(Rows
            .Where(r => r.LocalDay == load.Day && donors.Contains(new DonorKey(r.Key.PartnerId, r.DonorId)))
            .SelectMany(r => r.Matches.Where(m => m.IsLive && pools.Contains(m.PoolId)).Select(m => (Donor: new DonorKey(r.Key.PartnerId, r.DonorId), Match: m)))
            .GroupBy(x => (x.Match.PoolId, x.Donor))
            .Select(g => new DonorDayRow(g.Key.PoolId, g.Key.Donor, g.Sum(x => x.Match.AmountFen), g.Count())));
    }

    private void AddRaised(LedgerRow row, int sign)
    {
        var key = (row.ProjectId, row.Key.PartnerId);
        var sum = _raisedSums.GetValueOrDefault(key);
        _raisedSums[key] = (sum.Fen + (sign * row.AmountFen), sum.Count + sign);
    }

    private void AddMatched(LedgerRow row, LedgerMatchRow match, int sign)
    {
        var key = (match.PoolId, row.ProjectId);
        var sum = _poolProjectSums.GetValueOrDefault(key);
        _poolProjectSums[key] = (sum.Fen + (sign * match.AmountFen), sum.Count + sign);
        _poolDaySums[(match.PoolId, row.LocalDay)] = _poolDaySums.GetValueOrDefault((match.PoolId, row.LocalDay)) + (sign * match.AmountFen);
    }

    private List<T> Shuffled<T>(IEnumerable<T> items)
    {
        var list = items.ToList();
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = _groupOrder.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
        return list;
    }
}
