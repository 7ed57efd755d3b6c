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

    public static async Task<(IReadOnlyList<CheckResult> Checks, PoolRead? Pool)> RunAsync(
        BenchOptions options, BenchTarget target, RunResult run, HttpClients http, PoolPatcher? patcher, PoolWatcher? watcher, CancellationToken ct)
    {
        // Checks computed from the answers alone do not change while the read side converges: once.
        var fromAnswers = Invariants.Check(options, target, run, patcher);
        if (run.Totals.MatchCap is { } matchCap)
        {
            fromAnswers.Add(new($"every acknowledged match = min(amount, {F(matchCap)}) (every donor new)", run.Totals.MatchMismatches == 0, "0 others",
                run.Totals.MatchMismatches == 0 ? $"0 of {F(run.Totals.Accepted)}" : $"{F(run.Totals.MatchMismatches)}, e.g. {run.Totals.MismatchSample}"));
        }

        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var (checks, pool) = await CheckOnceAsync(options, target, run, http, patcher, watcher, ct);
            checks.AddRange(fromAnswers);
            if (checks.All(c => c.Passed) || Stopwatch.GetElapsedTime(started) >= options.VerifyTimeout)
            {
                return (checks, pool);
            }

            await Task.Delay(PollEvery, ct);
        }
    }

    private static async Task<(List<CheckResult> Checks, PoolRead? Pool)> CheckOnceAsync(
        BenchOptions options, BenchTarget target, RunResult run, HttpClients http, PoolPatcher? patcher, PoolWatcher? watcher, CancellationToken ct)
    {
        PoolRead? poolRead = null;
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
            if (acked.MatchCap is { } cap)
            {
                // Every donor gave once and the budget lasts: the campaign's matched is known from the amounts alone.
                checks.Add(Equal($"campaign matched = sum of min(amount, {F(cap)}) over the acknowledged (fen)", acked.ExpectedMatched, campaign.Matched));
            }
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
                poolRead = pool;
                var budget = pool.Budget > 0 ? pool.Budget : target.PoolBudget;
                checks.Add(new("pool matched <= budget (fen)", pool.Matched <= budget, $"at most {F(budget)}", F(pool.Matched)));
                checks.Add(Equal("pool matched = acknowledged matchedTotal (fen)", acked.MatchedTotal, pool.Matched));
                checks.Add(Equal("pool remaining = budget - matched (fen)", Math.Max(0, budget - pool.Matched), pool.Remaining));
                if (options.ExpectExhaustion)
                {
                    // SPEC §3 invariant 2: demand exceeded the budget, so nothing may be left stranded.
                    checks.Add(Equal("no stranded budget: pool remaining = 0 (fen)", 0, pool.Remaining));
                    checks.Add(Equal("pool matched = budget exactly (fen)", budget, pool.Matched));
                    checks.Add(new("pool ran dry during the load (scenario d)", watcher?.ExhaustedAtSeconds is not null,
                        "remaining reached 0 before the deadline",
                        watcher?.ExhaustedAtSeconds is { } at ? $"at {at:0.0} s of {options.Duration.TotalSeconds:0} s" : "never"));
                }

                if (patcher is not null)
                {
                    var ambiguous = patcher.Events.Any(e => e.Kind == "top-up" && e.Status is 0 or >= 500);
                    var topUps = patcher.Events.Count(e => e.Kind == "top-up" && e.Status == 200);
                    if (!ambiguous)
                    {
                        checks.Add(Equal("pool budget = initial + acknowledged top-ups (fen)", target.PoolBudget + (topUps * options.TopUpFen), pool.Budget));
                    }
                }
            }
            catch (Exception ex) when (ex is ApiException or HttpRequestException or TaskCanceledException or JsonException)
            {
                checks.Add(new("pool readable", false, "200", ex.Message));
            }
        }

        if (patcher is not null)
        {
            var failed = patcher.Events.Count(e => e.Status != 200);
            checks.Add(new("every pool PATCH answered 200", failed == 0, "0 failures",
                failed == 0 ? $"{patcher.Events.Count} PATCHes" : $"{failed} of {patcher.Events.Count} failed: {string.Join("; ", patcher.ErrorSamples.Select(e => $"{e.Key}: {e.Value}"))}"));
        }

        return (checks, poolRead);
    }

    internal static CheckResult Equal(string name, long expected, long actual) => new(name, expected == actual, F(expected), F(actual));

    internal static string F(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
