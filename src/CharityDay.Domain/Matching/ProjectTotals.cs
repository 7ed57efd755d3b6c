namespace CharityDay.Domain.Matching;

/// <summary>A project's own totals: accepted, not refunded donations and their live matches.</summary>
public sealed class ProjectTotals
{
    public long RaisedFen { get; private set; }
    public long MatchedFen { get; private set; }
    public long DonationCount { get; private set; }
    public Dictionary<string, long> RaisedByPartner { get; } = new(StringComparer.Ordinal);

    public void AddDonation(string partnerId, long amountFen, long count = 1)
    {
        RaisedFen += amountFen;
        DonationCount += count;
        RaisedByPartner[partnerId] = RaisedByPartner.GetValueOrDefault(partnerId) + amountFen;
    }

    public void RemoveDonation(string partnerId, long amountFen)
    {
        RaisedFen -= amountFen;
        DonationCount -= 1;
        var left = RaisedByPartner.GetValueOrDefault(partnerId) - amountFen;
        if (left == 0)
        {
            RaisedByPartner.Remove(partnerId);
        }
        else
        {
            RaisedByPartner[partnerId] = left;
        }
    }

    public void AddMatched(long amountFen) => MatchedFen += amountFen;

    /// <summary>SPEC §7 <c>pointsDonated</c>: the points its live points gifts used.</summary>
    public long PointsDonated { get; private set; }

    public void AddPoints(long points) => PointsDonated += points;

    /// <summary>SPEC §7 <c>merchantRaised</c>: what its live merchant gifts gave (part of <see cref="RaisedFen"/>).</summary>
    public long MerchantRaisedFen { get; private set; }

    /// <summary>SPEC §7 <c>merchantOrders</c>: the orders its live merchant gifts cover.</summary>
    public long MerchantOrders { get; private set; }

    public void AddMerchant(long amountFen, long orders)
    {
        MerchantRaisedFen += amountFen;
        MerchantOrders += orders;
    }
}
