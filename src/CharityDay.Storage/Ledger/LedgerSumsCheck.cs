namespace CharityDay.Storage.Ledger;

/// <summary>
/// The ledger is the truth and the durable sums are derived from it: this recomputes them from the
/// donation and match rows (O(donations)) and lists every sum that differs. Run by
/// <c>CharityDay.Host verify-sums</c> and by the tests.
/// </summary>
public static class LedgerSumsCheck
{
    public sealed record Result(string CampaignId, int SumsChecked, IReadOnlyList<string> Differences)
    {
        public bool Agrees => Differences.Count == 0;
    }

    public static async Task<Result> CheckAsync(ILedgerStore ledger, string campaignId, CancellationToken ct = default)
    {
        var durable = await ledger.LoadCampaignAsync(campaignId, recentSince: null, ct);
        var recomputed = await ledger.RecomputeCampaignAsync(campaignId, ct);
        var checkedCount = durable.ProjectRaised.Count + durable.PoolProjectMatched.Count + durable.PoolDayMatched.Count;
        return new Result(campaignId, checkedCount, durable.Differences(recomputed));
    }

    /// <param name="campaignIds">Empty: every campaign the ledger knows.</param>
    public static async Task<IReadOnlyList<Result>> CheckAllAsync(ILedgerStore ledger, IReadOnlyCollection<string> campaignIds, CancellationToken ct = default)
    {
        var ids = campaignIds.Count > 0 ? campaignIds : await ledger.CampaignIdsAsync(ct);
        var results = new List<Result>();
        foreach (var id in ids)
        {
            results.Add(await CheckAsync(ledger, id, ct));
        }
        return results;
    }
}
