namespace CharityDay.LoadTests;

/// <summary>
/// Checks of SPEC §3 computed from the acknowledged answers alone (they need every donation's match,
/// which the benchmark kept): per-donor daily caps, the 1:1 ratio, and — in scenario e — that a live
/// change held from the moment its PATCH answered 200 (invariant 4).
/// </summary>
internal static class Invariants
{
    /// <summary>The campaigns run in Asia/Shanghai (UTC+8, no daylight saving): a donor's day starts at 16:00 UTC.</summary>
    private const long ShanghaiOffsetMs = 8 * 3_600_000L;

    private const long DayMs = 86_400_000L;

    public static List<CheckResult> Check(BenchOptions options, BenchTarget target, RunResult run, PoolPatcher? patcher)
    {
        var checks = new List<CheckResult>();
        var acks = run.Totals.Acks;
        if (target.PoolId is null || acks is null)
        {
            return checks;
        }

        var missingTime = acks.Count(a => a.AcceptedAtMs < 0);
        checks.Add(new("every acknowledged donation has acceptedAt", missingTime == 0, "0 without", Verify.F(missingTime)));

        // Per-donor daily cap (fen), per (donor, local day of acceptance).
        if (options.PoolDonorDailyCap > 0)
        {
            var perDonorDay = new Dictionary<(int, long), long>();
            foreach (var a in acks)
            {
                var key = (a.Donor, (a.AcceptedAtMs + ShanghaiOffsetMs) / DayMs);
                perDonorDay[key] = perDonorDay.GetValueOrDefault(key) + a.Matched;
            }

            var worst = perDonorDay.Count == 0 ? 0 : perDonorDay.Values.Max();
            var over = perDonorDay.Values.Count(v => v > options.PoolDonorDailyCap);
            checks.Add(new("per-donor daily cap held (max matched per donor-day, fen)", over == 0,
                $"at most {Verify.F(options.PoolDonorDailyCap)}",
                over == 0 ? $"{Verify.F(worst)} ({Verify.F(perDonorDay.Values.Count(v => v == options.PoolDonorDailyCap))} donor-days exactly at the cap)" : $"{over} donor-days over, max {Verify.F(worst)}"));
        }

        // A match never exceeds floor(amount × ratio / 10000) for the ratio it says it used, and never goes negative.
        var bad = acks.Count(a => a.Matched < 0 || a.Matched > a.Amount * Math.Max(a.RatioBps, 0) / 10_000 || (a.Matched > 0 && a.RatioBps == 0));
        checks.Add(new("every match <= floor(amount x ratioBps / 10000)", bad == 0, "0 violations", Verify.F(bad)));

        if (patcher is null)
        {
            var wrongRatio = acks.Count(a => a.Matched > 0 && a.RatioBps != PoolPatcher.FullRatioBps);
            checks.Add(new("every match used ratioBps 10000", wrongRatio == 0, "0 others", Verify.F(wrongRatio)));
            return checks;
        }

        // Scenario e: SPEC §3 invariant 4 against the PATCH timeline.
        var windows = PoolPatcher.Windows(patcher.Events);
        var sorted = acks.OrderBy(a => a.AcceptedAtMs).ToArray();
        long inPaused = 0, matchedWhilePaused = 0, inRatio = 0, wrongRatioInWindow = 0;
        string? example = null;
        foreach (var (state, start, end) in windows)
        {
            var i = LowerBound(sorted, start + 1);
            for (; i < sorted.Length && sorted[i].AcceptedAtMs < end; i++)
            {
                var a = sorted[i];
                if (state == "paused")
                {
                    inPaused++;
                    if (a.Matched != 0)
                    {
                        matchedWhilePaused++;
                        example ??= $"donation accepted at {a.AcceptedAtMs} matched {a.Matched} inside paused window ({start}, {end})";
                    }
                }
                else
                {
                    inRatio++;
                    var expected = state == "ratio-5000" ? PoolPatcher.HalfRatioBps : PoolPatcher.FullRatioBps;
                    if (a.Matched > 0 && a.RatioBps != expected)
                    {
                        wrongRatioInWindow++;
                        example ??= $"donation accepted at {a.AcceptedAtMs} matched at ratio {a.RatioBps} inside {state} window ({start}, {end})";
                    }
                }
            }
        }

        checks.Add(new("no match from a paused pool after the pause answered 200 (inv. 4)", matchedWhilePaused == 0,
            "0 matched", matchedWhilePaused == 0 ? $"0 of {Verify.F(inPaused)} donations in {windows.Count(w => w.State == "paused")} paused windows" : $"{matchedWhilePaused}: {example}"));
        checks.Add(new("every match used the ratio in force once its PATCH answered 200 (inv. 4)", wrongRatioInWindow == 0,
            "0 wrong", wrongRatioInWindow == 0 ? $"0 of {Verify.F(inRatio)} donations in {windows.Count(w => w.State != "paused")} ratio windows" : $"{wrongRatioInWindow}: {example}"));
        checks.Add(new("the paused windows held donations (the check had something to check)", inPaused > 0, "at least 1", Verify.F(inPaused)));
        return checks;
    }

    private static int LowerBound(Acked[] sorted, long ms)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid].AcceptedAtMs < ms)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
