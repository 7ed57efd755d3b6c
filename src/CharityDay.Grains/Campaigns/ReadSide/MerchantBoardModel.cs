using CharityDay.Contracts;
using CharityDay.Domain.Giving;

namespace CharityDay.Grains.Campaigns.ReadSide;

/// <summary>
/// The merchant part of the campaign's public snapshot (SPEC §7 merchant board): every merchant with a
/// live gift, ordered by raised, the top <see cref="CampaignSnapshot.LeaderboardDepth"/> published. Work per
/// publish grows with the merchants that changed plus the walk down the board; nothing at all while
/// no merchant changed. Used only on the writer activation's turns.
/// </summary>
public sealed class MerchantBoardModel(MerchantBook totals)
{
    private readonly Dictionary<MerchantKey, MerchantReadModel> _entries = [];
    private readonly SortedSet<MerchantReadModel> _order = new(Comparer<MerchantReadModel>.Create(MerchantReadModel.BoardOrder));
    private MerchantBoardSnapshot _published = MerchantBoardSnapshot.Empty;

    public bool HasChanges => totals.HasChanges;

    public MerchantBoardSnapshot Publish()
    {
        var changed = totals.TakeChanged();
        if (changed.Count == 0)
        {
            return _published;
        }
        foreach (var key in changed)
        {
            if (_entries.Remove(key, out var old))
            {
                _order.Remove(old);
            }
            // A merchant whose gifts were all refunded leaves the board.
            if (totals.Find(key) is { IsEmpty: false } own)
            {
                var entry = new MerchantReadModel(key.PartnerId, key.MerchantId, own.RaisedFen, own.OrderCount, own.DonationCount);
                _entries[key] = entry;
                _order.Add(entry);
            }
        }
        _published = new MerchantBoardSnapshot([.. _order.Take(CampaignSnapshot.LeaderboardDepth)]);
        return _published;
    }
}
