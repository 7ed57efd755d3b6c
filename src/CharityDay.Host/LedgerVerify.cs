using CharityDay.Storage.Ledger;

namespace CharityDay.Host;

/// <summary>
/// <c>CharityDay.Host ledger-verify [CAMPAIGN…]</c>: checks every campaign's checkpoint chain against the
/// events stored in the database (SPEC §6; <see cref="LedgerProofCheck"/>). Exit code 0 when every chain
/// holds, 1 at the first checkpoint that does not, named with its campaign and seq. Reads only.
/// </summary>
public static class LedgerVerify
{
    public static async Task<int> RunAsync(ILedgerStore ledger, IReadOnlyCollection<string> campaignIds)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var campaigns = campaignIds.Count > 0 ? campaignIds : await ledger.CampaignIdsAsync();
        var failed = 0;
        foreach (var campaignId in campaigns)
        {
            var result = await LedgerProofCheck.CheckAsync(ledger, campaignId);
            if (result.Holds)
            {
                Console.WriteLine($"ok   {campaignId}: {result.Checkpoints} checkpoints chain and seal {result.EventsSealed} events; {result.UnsealedEvents} events wait for the next seal");
            }
            else
            {
                failed++;
                Console.WriteLine($"FAIL {campaignId} checkpoint {result.FailedCheckpoint}: {result.Reason}");
            }
        }
        Console.WriteLine($"CharityDay: {campaigns.Count} campaign ledger(s) checked in {started.Elapsed.TotalSeconds:F1} s, {failed} failed.");
        return failed == 0 ? 0 : 1;
    }
}
