namespace CharityDay.Domain.Writing;

/// <summary>
/// A bounded cache of recently written rows: the fast path for replays. The ledger's unique key
/// stays the truth; a miss here costs one lookup per batch, never a wrong answer. Oldest first out;
/// a removed key leaves the order too, so a key set again later is not evicted for its old place.
/// </summary>
public sealed class RecentRows<TRow>(int capacity) where TRow : class
{
    private readonly Dictionary<DonationKey, LinkedListNode<(DonationKey Key, TRow Row)>> _byKey = [];
    private readonly LinkedList<(DonationKey Key, TRow Row)> _order = new();

    public int Count => _byKey.Count;

    public TRow? Get(DonationKey key) => _byKey.TryGetValue(key, out var node) ? node.Value.Row : null;

    public bool Contains(DonationKey key) => _byKey.ContainsKey(key);

    public void Set(DonationKey key, TRow row)
    {
        if (_byKey.TryGetValue(key, out var node))
        {
            node.Value = (key, row);
            return;
        }
        _byKey[key] = _order.AddLast((key, row));
        while (_byKey.Count > capacity && _order.First is { } oldest)
        {
            _order.RemoveFirst();
            _byKey.Remove(oldest.Value.Key);
        }
    }

    public void Remove(DonationKey key)
    {
        if (_byKey.Remove(key, out var node))
        {
            _order.Remove(node);
        }
    }

    public void Clear()
    {
        _byKey.Clear();
        _order.Clear();
    }
}
