namespace CharityDay.Domain.Giving;

/// <summary>A merchant belongs to its partner (SPEC §7): two platforms' "m1" are two merchants.</summary>
public readonly record struct MerchantKey(string PartnerId, string MerchantId);

/// <summary>One merchant's live gifts (accepted, not refunded): what they gave, the orders they cover, how many.</summary>
public sealed class MerchantTotals
{
    public long RaisedFen { get; private set; }
    public long OrderCount { get; private set; }
    public long DonationCount { get; private set; }

    public bool IsEmpty => RaisedFen == 0 && OrderCount == 0 && DonationCount == 0;

    public void Add(long amountFen, long orders, long donations)
    {
        RaisedFen += amountFen;
        OrderCount += orders;
        DonationCount += donations;
    }
}

/// <summary>
/// Every merchant's totals in one campaign (SPEC §7 merchant board), kept by the campaign's write path
/// next to the project totals: changed by the same commits (acceptance, refund) and rebuilt from the
/// same ledger. A clawback takes matches back, and the board shows no matches, so it changes nothing
/// here. People's gifts cost nothing here. Not thread-safe, like the write path.
/// </summary>
public sealed class MerchantBook
{
    private readonly Dictionary<MerchantKey, MerchantTotals> _merchants = [];
    private readonly HashSet<MerchantKey> _changed = [];

    public IReadOnlyDictionary<MerchantKey, MerchantTotals> Merchants => _merchants;

    public MerchantTotals? Find(MerchantKey merchant) => _merchants.GetValueOrDefault(merchant);

    /// <summary>Some merchant's totals changed since <see cref="TakeChanged"/> was last called.</summary>
    public bool HasChanges => _changed.Count > 0;

    public void Accepted(MerchantKey merchant, long amountFen, long orders) => Of(merchant).Add(amountFen, orders, 1);

    /// <summary>A refund: the gift leaves the merchant's raised and orders.</summary>
    public void Refunded(MerchantKey merchant, long amountFen, long orders)
    {
        var totals = Of(merchant);
        totals.Add(-amountFen, -orders, -1);
        if (totals.IsEmpty)
        {
            _merchants.Remove(merchant);
        }
    }

    /// <summary>Restores one merchant's live gifts from the ledger.</summary>
    public void Restore(MerchantKey merchant, long raisedFen, long orders, long donations) => Of(merchant).Add(raisedFen, orders, donations);

    public void Clear()
    {
        _changed.UnionWith(_merchants.Keys);
        _merchants.Clear();
    }

    /// <summary>Hands over the merchants whose totals changed since the last call (for the read side).</summary>
    public List<MerchantKey> TakeChanged()
    {
        var changed = _changed.ToList();
        _changed.Clear();
        return changed;
    }

    private MerchantTotals Of(MerchantKey merchant)
    {
        _changed.Add(merchant);
        if (!_merchants.TryGetValue(merchant, out var totals))
        {
            _merchants[merchant] = totals = new MerchantTotals();
        }
        return totals;
    }
}
