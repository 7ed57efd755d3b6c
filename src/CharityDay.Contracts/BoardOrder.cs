namespace CharityDay.Contracts;

/// <summary>The public boards' order (teams, merchants): raised descending, then partner and id, byte-wise.</summary>
public static class BoardOrder
{
    public static int Compare(long raisedA, string partnerA, string idA, long raisedB, string partnerB, string idB)
    {
        var byRaised = raisedB.CompareTo(raisedA);
        if (byRaised != 0)
        {
            return byRaised;
        }
        var byPartner = string.CompareOrdinal(partnerA, partnerB);
        return byPartner != 0 ? byPartner : string.CompareOrdinal(idA, idB);
    }
}
