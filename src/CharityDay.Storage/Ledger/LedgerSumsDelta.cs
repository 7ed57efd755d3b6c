namespace CharityDay.Storage.Ledger;

/// <summary>
/// How a refund or a clawback changes the durable sums (<c>project_partner_sums</c>,
/// <c>pool_project_sums</c>, <c>pool_day_sums</c>) of the donations up to the campaign's mark,
/// summed per row key.
/// </summary>
public sealed class LedgerSumsDelta
{
    public Dictionary<(string CampaignId, string ProjectId, string PartnerId), (long Fen, long Count)> Raised { get; } = [];
    public Dictionary<(string CampaignId, string PoolId, string ProjectId), (long Fen, long Count)> PoolProject { get; } = [];
    public Dictionary<(string CampaignId, string PoolId, int LocalDay), long> PoolDay { get; } = [];

    public bool IsEmpty => Raised.Count == 0 && PoolProject.Count == 0 && PoolDay.Count == 0;

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
