using CharityDay.Domain.Matching;

namespace CharityDay.Domain.Tests.Matching.Simulation;

/// <summary>
/// The durable part of the simulation: what survives a silo death. Each write is one
/// transaction, all or nothing, like <c>SqlLedgerStore</c>'s batch append, refund and clawback;
/// <see cref="Load"/> answers the rebuild's GROUP BY queries.
/// </summary>
internal sealed class SimulatedLedger(int seed)
{
    private readonly List<DonationKey> _commitOrder = [];
    private readonly Dictionary<DonationKey, LedgerRow> _rows = [];
    private readonly HashSet<(string PoolId, string DonorId)> _clawbacks = [];

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

    /// <summary>One transaction: a key already present (the primary key) refuses the whole batch.</summary>
    public void Append(IReadOnlyList<LedgerRow> rows)
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
        Version++;
    }

    /// <returns>false when the donation is unknown or already refunded (the UPDATE changed no row).</returns>
    public bool Refund(DonationKey key)
    {
        if (!_rows.TryGetValue(key, out var row) || row.Refunded)
        {
            return false;
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
            _rows[key] = row with { Matches = [.. row.Matches.Select(m => m.IsLive && m.PoolId == poolId ? m with { Reversal = "clawback" } : m)] };
        }
        _clawbacks.Add((poolId, donorId));
        Version++;
        return reversed;
    }

    /// <summary>The six queries of <c>LoadCampaignAsync</c>, row for row.</summary>
    public CampaignLedgerSnapshot Load(DateOnly fromDay, DateTimeOffset recentSince)
    {
        var snapshot = new CampaignLedgerSnapshot();
        var rows = Rows.ToList();
        var live = rows.SelectMany(r => r.Matches.Where(m => m.IsLive).Select(m => (Row: r, Match: m))).ToList();

        snapshot.ProjectRaised.AddRange(Shuffled(rows.Where(r => !r.Refunded)
            .GroupBy(r => (r.ProjectId, r.Key.PartnerId))
            .Select(g => (g.Key.ProjectId, g.Key.PartnerId, g.Sum(r => r.AmountFen), (long)g.Count()))));
        snapshot.PoolProjectMatched.AddRange(Shuffled(live
            .GroupBy(x => (x.Match.PoolId, x.Row.ProjectId))
            .Select(g => (g.Key.PoolId, g.Key.ProjectId, g.Sum(x => x.Match.AmountFen), (long)g.Count()))));
        snapshot.PoolDayMatched.AddRange(Shuffled(live
            .GroupBy(x => (x.Match.PoolId, x.Row.LocalDay))
            .Select(g => (g.Key.PoolId, g.Key.LocalDay, g.Sum(x => x.Match.AmountFen)))));
        snapshot.DonorDays.AddRange(Shuffled(live.Where(x => x.Row.LocalDay >= fromDay)
            .GroupBy(x => (x.Match.PoolId, x.Row.Key.PartnerId, x.Row.DonorId, x.Row.LocalDay))
            .Select(g => (g.Key.PoolId, g.Key.PartnerId, g.Key.DonorId, g.Key.LocalDay, g.Sum(x => x.Match.AmountFen), g.Count()))));
        // accepted_at is stored in milliseconds and compared there; any status counts, as in the SQL.
        var sinceMs = recentSince.ToUnixTimeMilliseconds();
        snapshot.RecentDonations.AddRange(rows
            .Where(r => r.AcceptedAt.ToUnixTimeMilliseconds() > sinceMs)
            .OrderBy(r => r.AcceptedAt)
            .Select(r => (r.Key.PartnerId, r.DonorId, r.AcceptedAt)));
        // Sorted first: a set of strings iterates in an order that changes from process to process.
        snapshot.Clawbacks.AddRange(Shuffled(_clawbacks.OrderBy(c => c.PoolId, StringComparer.Ordinal).ThenBy(c => c.DonorId, StringComparer.Ordinal)));
        return snapshot;
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
