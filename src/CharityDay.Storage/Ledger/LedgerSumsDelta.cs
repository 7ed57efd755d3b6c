namespace CharityDay.Storage.Ledger;

/// <summary>
/// How one write transaction changes the durable sums (<c>project_partner_sums</c>,
/// <c>pool_project_sums</c>, <c>pool_day_sums</c>): summed per row key first, so a batch of a
/// thousand donations updates each sum once.
/// </summary>
public sealed class LedgerSumsDelta
{
    public Dictionary<(string CampaignId, string ProjectId, string PartnerId), (long Fen, long Count)> Raised { get; } = [];
    public Dictionary<(string CampaignId, string PoolId, string ProjectId), (long Fen, long Count)> PoolProject { get; } = [];
    public Dictionary<(string CampaignId, string PoolId, int LocalDay), long> PoolDay { get; } = [];

    public bool IsEmpty => Raised.Count == 0 && PoolProject.Count == 0 && PoolDay.Count == 0;

    public static LedgerSumsDelta Appended(IReadOnlyList<LedgerDonation> donations)
    {
        var delta = new LedgerSumsDelta();
        foreach (var d in donations)
        {
            delta.AddRaised(d.CampaignId, d.ProjectId, d.PartnerId, d.AmountFen, 1);
            foreach (var m in d.Matches)
            {
                delta.AddMatched(d.CampaignId, m.PoolId, d.ProjectId, d.LocalDay.DayNumber, m.AmountFen, 1);
            }
        }
        return delta;
    }

    public void AddRaised(string campaignId, string projectId, string partnerId, long fen, long count)
    {
        var key = (campaignId, projectId, partnerId);
        var sum = Raised.GetValueOrDefault(key);
        Raised[key] = (sum.Fen + fen, sum.Count + count);
    }

    public void AddMatched(string campaignId, string poolId, string projectId, int localDay, long fen, long count)
    {
        var key = (campaignId, poolId, projectId);
        var sum = PoolProject.GetValueOrDefault(key);
        PoolProject[key] = (sum.Fen + fen, sum.Count + count);
        var dayKey = (campaignId, poolId, localDay);
        PoolDay[dayKey] = PoolDay.GetValueOrDefault(dayKey) + fen;
    }
}
