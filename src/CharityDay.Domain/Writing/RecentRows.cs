namespace CharityDay.Domain.Writing;

/// <summary>
/// A bounded cache of recently written rows: the fast path for replays. The ledger's unique key
/// stays the truth; a miss here costs one lookup per batch, never a wrong answer.
/// </summary>
public sealed class RecentRows<TRow>(int capacity) where TRow : class
{
    private readonly Dictionary<DonationKey, TRow> _byKey = [];
    private readonly Queue<DonationKey> _order = new();

    public int Count => _byKey.Count;

    public TRow? Get(DonationKey key) => _byKey.GetValueOrDefault(key);

    public bool Contains(DonationKey key) => _byKey.ContainsKey(key);

    public void Set(DonationKey key, TRow row)
    {
        if (!_byKey.ContainsKey(key))
        {
            _order.Enqueue(key);
        }
        _byKey[key] = row;
        while (_byKey.Count > capacity && _order.TryDequeue(out var oldest))
        {
            _byKey.Remove(oldest);
        }
    }

    public void Remove(DonationKey key) => _byKey.Remove(key);

    public void Clear()
    {
        _byKey.Clear();
        _order.Clear();
    }
}
