using CharityDay.Domain;
using CharityDay.Storage.Ledger;

namespace CharityDay.Grains.Campaigns;

/// <summary>
/// A bounded cache of recently written donations: the fast path for replays. The ledger's unique
/// key stays the truth; a miss here costs one lookup per batch, never a wrong answer.
/// </summary>
public sealed class RecentDonations(int capacity)
{
    private readonly Dictionary<DonationKey, LedgerDonation> _byKey = [];
    private readonly Queue<DonationKey> _order = new();

    public int Count => _byKey.Count;

    public LedgerDonation? Get(DonationKey key) => _byKey.GetValueOrDefault(key);

    public bool Contains(DonationKey key) => _byKey.ContainsKey(key);

    public void Set(LedgerDonation donation)
    {
        if (!_byKey.ContainsKey(donation.Key))
        {
            _order.Enqueue(donation.Key);
        }
        _byKey[donation.Key] = donation;
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
