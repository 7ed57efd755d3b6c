using CharityDay.Storage.Ledger;

namespace CharityDay.Host;

/// <summary>
/// <c>CharityDay.Host verify-sums [CAMPAIGN…]</c>: recomputes every campaign's durable sums from the
/// ledger's rows and compares them to the fen. Exit code 0 when all agree, 1 otherwise. Reads only;
/// safe on a running system (it reads a committed state; a batch committing meanwhile may show as a
/// difference that a second run no longer shows).
/// </summary>
public static class VerifySums
{
    public static async Task<int> RunAsync(CharityDayOptions options, IConfiguration configuration, IReadOnlyCollection<string> campaignIds)
    {
        var ledger = StorageProfile.OpenLedger(options, configuration);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var results = await LedgerSumsCheck.CheckAllAsync(ledger, campaignIds);
        foreach (var result in results)
        {
            Console.WriteLine(result.Agrees
                ? $"ok   {result.CampaignId}: {result.SumsChecked} sums equal the ledger's rows"
                : $"FAIL {result.CampaignId}: {result.Differences.Count} sums differ from the ledger's rows");
            foreach (var difference in result.Differences.Take(50))
            {
                Console.WriteLine($"     {difference}");
            }
        }
        var failed = results.Count(r => !r.Agrees);
        Console.WriteLine($"CharityDay: {results.Count} campaign(s) checked in {started.Elapsed.TotalSeconds:F1} s, {failed} with differences.");
        return failed == 0 ? 0 : 1;
    }
}
