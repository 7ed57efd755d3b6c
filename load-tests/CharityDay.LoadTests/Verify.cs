using System.Diagnostics;
using System.Text.Json;

namespace CharityDay.LoadTests;

internal sealed record CheckResult(string Name, bool Passed, string Expected, string Actual);

/// <summary>
/// At quiescence the read side must agree with what the benchmark was told (SPEC §3, invariants 1 and 3):
/// the campaign's totals equal the acknowledged donations exactly and the pool never over-spent.
/// Reads may lag, so the checks are polled until they pass or the timeout elapses.
/// </summary>
internal static class Verify
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(250);

    public static async Task<IReadOnlyList<CheckResult>> RunAsync(
        BenchOptions options, BenchTarget target, RunResult run, HttpClients http, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var checks = await CheckOnceAsync(target, run, http, ct);
            if (checks.All(c => c.Passed) || Stopwatch.GetElapsedTime(started) >= options.VerifyTimeout)
            {
                return checks;
            }

            await Task.Delay(PollEvery, ct);
        }
    }

    private static async Task<List<CheckResult>> CheckOnceAsync(BenchTarget target, RunResult run, HttpClients http, CancellationToken ct)
    {
        var acked = run.Totals;
        var checks = new List<CheckResult>
        {
            new("some donations were acknowledged", acked.Accepted > 0, "at least 1", F(acked.Accepted)),
            new("every unknown outcome was resolved", run.StillUnknown == 0, "0", F(run.StillUnknown)),
        };

        try
        {
            var body = await HttpJson.SendOkAsync(http.Public, HttpMethod.Get, $"v1/campaigns/{target.CampaignId}", null, ct);
            var campaign = JsonSerializer.Deserialize(body, WireJson.Default.CampaignRead)
                ?? throw new ApiException("empty campaign answer");
            checks.Add(Equal("campaign raised = acknowledged amount (fen)", acked.AcceptedAmount, campaign.Raised));
            checks.Add(Equal("campaign donationCount = acknowledged donations", acked.Accepted, campaign.DonationCount));
            checks.Add(Equal("campaign matched = acknowledged matchedTotal (fen)", acked.MatchedTotal, campaign.Matched));
        }
        catch (Exception ex) when (ex is ApiException or HttpRequestException or TaskCanceledException or JsonException)
        {
            checks.Add(new("campaign readable", false, "200", ex.Message));
        }

        if (target.PoolId is { } poolId)
        {
            try
            {
                var body = await HttpJson.SendOkAsync(http.Manager, HttpMethod.Get, $"v1/admin/pools/{poolId}", null, ct);
                var pool = JsonSerializer.Deserialize(body, WireJson.Default.PoolRead)
                    ?? throw new ApiException("empty pool answer");
                var budget = pool.Budget > 0 ? pool.Budget : target.PoolBudget;
                checks.Add(new("pool matched <= budget (fen)", pool.Matched <= budget, $"at most {F(budget)}", F(pool.Matched)));
                checks.Add(Equal("pool matched = acknowledged matchedTotal (fen)", acked.MatchedTotal, pool.Matched));
            }
            catch (Exception ex) when (ex is ApiException or HttpRequestException or TaskCanceledException or JsonException)
            {
                checks.Add(new("pool readable", false, "200", ex.Message));
            }
        }

        return checks;
    }

    private static CheckResult Equal(string name, long expected, long actual) => new(name, expected == actual, F(expected), F(actual));

    private static string F(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
