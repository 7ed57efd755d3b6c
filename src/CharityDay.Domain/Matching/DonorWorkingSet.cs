namespace CharityDay.Domain.Matching;

/// <summary>
/// What each donor-capped pool matched to a donor on one campaign-local day: the per-donor state of
/// SPEC §3's daily caps. Only capped pools are kept: a pool without a cap may match a donor the book
/// does not hold, so its usage there could not be complete; a pool that gains a cap makes the book
/// forget every donor, each then read from the ledger again.
/// </summary>
public sealed class DonorDay(DateOnly day)
{
    private PoolTally[] _tallies = [];

    public DateOnly Day { get; private set; } = day;

    public DonorDayUsage For(string poolId)
    {
        foreach (var tally in _tallies)
        {
            if (string.Equals(tally.PoolId, poolId, StringComparison.Ordinal))
            {
                return new DonorDayUsage(tally.MatchedFen, tally.MatchCount);
            }
        }
        return default;
    }

    public void Add(string poolId, long amountFen, int count)
    {
        for (var i = 0; i < _tallies.Length; i++)
        {
            if (string.Equals(_tallies[i].PoolId, poolId, StringComparison.Ordinal))
            {
                _tallies[i] = _tallies[i] with { MatchedFen = _tallies[i].MatchedFen + amountFen, MatchCount = _tallies[i].MatchCount + count };
                return;
            }
        }
        _tallies = [.. _tallies, new PoolTally(poolId, amountFen, count)];
    }

    /// <summary>A new local day starts every donor at zero.</summary>
    public void StartDay(DateOnly day)
    {
        Day = day;
        _tallies = [];
    }

    private readonly record struct PoolTally(string PoolId, long MatchedFen, int MatchCount);
}

/// <summary>
/// The donors whose day the book knows, bounded. Two generations approximate "least recently
/// used" without a list node per donor: a touched donor lives in the young one; when the young
/// generation fills half the capacity it becomes the old one and the old one is dropped. The owner
/// rotates only once a batch has committed (<see cref="RotateIfFull"/>), so a donor touched by a
/// batch that has not committed yet is never dropped — the ledger does not know its usage yet.
/// </summary>
public sealed class DonorWorkingSet(int capacity)
{
    private Dictionary<DonorKey, DonorDay> _young = [];
    private Dictionary<DonorKey, DonorDay> _old = [];

    public int Capacity { get; } = Math.Max(2, capacity);

    public int Count => _young.Count + _old.Count;

    /// <summary>Finds the donor and marks them recently used.</summary>
    public DonorDay? Touch(DonorKey donor)
    {
        if (_young.TryGetValue(donor, out var day))
        {
            return day;
        }
        if (_old.Remove(donor, out day))
        {
            _young[donor] = day;
            return day;
        }
        return null;
    }

    /// <summary>Reads without changing recency (for reads and reversals).</summary>
    public DonorDay? Peek(DonorKey donor) =>
        _young.TryGetValue(donor, out var day) || _old.TryGetValue(donor, out day) ? day : null;

    public void Add(DonorKey donor, DonorDay day)
    {
        _old.Remove(donor);
        _young[donor] = day;
    }

    public bool Evict(DonorKey donor) => _young.Remove(donor) | _old.Remove(donor);

    public void Clear()
    {
        _young = [];
        _old = [];
    }

    /// <returns>true when the old generation was dropped (some donors are no longer known).</returns>
    public bool RotateIfFull()
    {
        if (_young.Count < Capacity / 2)
        {
            return false;
        }
        _old = _young;
        _young = [];
        return true;
    }

    /// <summary>Forgets the entries of days before <paramref name="today"/>: their usage decides nothing any more.</summary>
    public int ForgetDaysBefore(DateOnly today)
    {
        var forgotten = 0;
        foreach (var generation in new[] { _young, _old })
        {
            foreach (var donor in generation.Where(e => e.Value.Day < today).Select(e => e.Key).ToList())
            {
                generation.Remove(donor);
                forgotten++;
            }
        }
        return forgotten;
    }
}
