using System.Globalization;
using System.Text.Json;
using HdrHistogram;

namespace CharityDay.LoadTests;

internal sealed record LatencyMs(double P50, double P90, double P99, double P999, double Max, double Mean);

/// <summary>What the host's /metrics said about this run's campaign (deltas over the load phase).</summary>
internal sealed record HostMetrics(
    double Commits,
    double CommitsPerSecond,
    double MeanBatchSize,
    double MeanCommitMs,
    double FailedCommits,
    double MeanIngestMs,
    double Shed,
    double PoolChanges,
    double MeanPoolChangeMs);

internal sealed record PatchReport(int Count, int Failed, double P50Ms, double P99Ms, double MaxMs, double MeanMs, IReadOnlyList<PatchEvent> Events);

internal sealed record PoolEnd(long Budget, long Matched, long Remaining, double? ExhaustedAtSeconds);

internal sealed record BenchReport(
    string RunId,
    string? Scenario,
    string? Label,
    string Url,
    int Urls,
    string Mode,
    int BatchSize,
    int Connections,
    int Workers,
    double DurationSeconds,
    double ElapsedSeconds,
    int Projects,
    string Pool,
    long PoolBudget,
    double HotShare,
    int Seed,
    long Requests,
    double RequestsPerSecond,
    long DonationsAccepted,
    double DonationsPerSecond,
    long AcceptedAmountFen,
    long MatchedTotalFen,
    long DonationsRejected,
    long Retries,
    long Replays,
    long LateAccepted,
    long UnknownOutcomes,
    LatencyMs LatencyMs,
    IReadOnlyDictionary<string, long> Errors,
    HostMetrics? Host,
    ProcReport? Machine,
    PatchReport? Patch,
    PoolEnd? PoolEnd,
    IReadOnlyList<CheckResult>? Checks,
    bool? Passed,
    long? Count,
    bool UniqueDonors,
    long PoolDonationCap,
    long PoolDonorDailyCap,
    long? ExpectedMatchedFen,
    long? MatchMismatches);

internal static class Report
{
    public static BenchReport Build(BenchOptions options, string runId, RunResult run, IReadOnlyList<CheckResult>? checks,
        MetricsSample? metrics, ProcReport? machine, PoolPatcher? patcher, PoolEnd? poolEnd)
    {
        var t = run.Totals;
        var seconds = Math.Max(run.Elapsed.TotalSeconds, 1e-9);
        var h = t.Latency;
        static double Ms(long micros) => Math.Round(micros / 1000.0, 3);
        var latency = h.TotalCount == 0
            ? new LatencyMs(0, 0, 0, 0, 0, 0)
            : new LatencyMs(
                Ms(h.GetValueAtPercentile(50)),
                Ms(h.GetValueAtPercentile(90)),
                Ms(h.GetValueAtPercentile(99)),
                Ms(h.GetValueAtPercentile(99.9)),
                Ms(h.GetMaxValue()),
                Math.Round(h.GetMean() / 1000.0, 3));

        HostMetrics? host = null;
        if (metrics is { } m)
        {
            static double Div(double a, double b) => b > 0 ? Math.Round(a / b, 3) : 0;
            host = new HostMetrics(m.Commits, Math.Round(m.Commits / seconds, 1), Div(m.BatchSizeSum, m.BatchSizeCount), Div(m.CommitMsSum, m.CommitMsCount),
                m.CommitsFailed, Div(m.IngestMsSum, m.IngestMsCount), m.Shed, m.PoolChangeMsCount, Div(m.PoolChangeMsSum, m.PoolChangeMsCount));
        }

        PatchReport? patch = null;
        if (patcher is not null)
        {
            var p = patcher.Latency;
            patch = p.TotalCount == 0
                ? new PatchReport(0, 0, 0, 0, 0, 0, patcher.Events)
                : new PatchReport(patcher.Events.Count, patcher.Events.Count(e => e.Status != 200),
                    Ms(p.GetValueAtPercentile(50)), Ms(p.GetValueAtPercentile(99)), Ms(p.GetMaxValue()), Math.Round(p.GetMean() / 1000.0, 3), patcher.Events);
        }

        return new BenchReport(
            runId,
            options.Scenario,
            options.Label,
            options.Url.ToString(),
            options.Urls.Count,
            options.Mode.ToString().ToLowerInvariant(),
            options.Mode == BenchMode.Batch ? options.BatchSize : 1,
            options.Connections,
            options.Workers,
            options.Duration.TotalSeconds,
            Math.Round(run.Elapsed.TotalSeconds, 3),
            options.Projects,
            options.CampaignPool ? "campaign" : "none",
            options.CampaignPool ? options.PoolBudget : 0,
            options.HotShare,
            options.Seed,
            t.Requests,
            Math.Round(t.Requests / seconds, 1),
            t.Accepted,
            Math.Round(t.Accepted / seconds, 1),
            t.AcceptedAmount,
            t.MatchedTotal,
            t.Rejected,
            t.Retries,
            t.Replays,
            run.LateAccepted,
            run.StillUnknown,
            latency,
            new SortedDictionary<string, long>(t.Errors, StringComparer.Ordinal),
            host,
            machine,
            patch,
            poolEnd,
            checks,
            checks is null ? null : checks.All(c => c.Passed),
            options.Count,
            options.UniqueDonors,
            options.CampaignPool ? options.PoolDonationCap : 0,
            options.CampaignPool ? options.PoolDonorDailyCap : 0,
            t.MatchCap is null ? null : t.ExpectedMatched,
            t.MatchCap is null ? null : t.MatchMismatches);
    }

    public static void PrintLoad(BenchReport r, WorkerStats totals)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"elapsed          {r.ElapsedSeconds:0.00} s"));
        Console.WriteLine(string.Create(c, $"requests         {r.Requests:N0}  ({r.RequestsPerSecond:N1} req/s)"));
        Console.WriteLine(string.Create(c, $"donations        {r.DonationsAccepted:N0} accepted  ({r.DonationsPerSecond:N1} donations/s), {r.DonationsRejected:N0} rejected"));
        Console.WriteLine(string.Create(c, $"money            {r.AcceptedAmountFen:N0} fen accepted, {r.MatchedTotalFen:N0} fen matched{(r.ExpectedMatchedFen is { } expected ? $" (expected {expected:N0})" : "")}"));
        if (r.Count is { } count)
        {
            Console.WriteLine(string.Create(c, $"count            {count:N0} asked: {r.DonationsAccepted:N0} accepted, {r.DonationsRejected:N0} rejected, {r.UnknownOutcomes:N0} unknown"));
        }

        var l = r.LatencyMs;
        Console.WriteLine(string.Create(c, $"latency ms       p50 {l.P50:0.###}  p90 {l.P90:0.###}  p99 {l.P99:0.###}  p99.9 {l.P999:0.###}  max {l.Max:0.###}  (mean {l.Mean:0.###})"));
        Console.WriteLine(string.Create(c, $"retries          {r.Retries:N0} (replayed {r.Replays:N0}); unknown outcomes: {r.LateAccepted:N0} accepted after all, {r.UnknownOutcomes:N0} still unknown"));
        if (r.Host is { } h)
        {
            Console.WriteLine(string.Create(c, $"host commits     {h.Commits:N0} ({h.CommitsPerSecond:N1}/s), mean batch {h.MeanBatchSize:0.0} donations, mean commit {h.MeanCommitMs:0.00} ms, mean ingest {h.MeanIngestMs:0.00} ms, failed {h.FailedCommits:N0}, shed {h.Shed:N0}"));
        }

        if (r.Machine is { } m)
        {
            Console.WriteLine(string.Create(c, $"host memory      RSS {m.StartRssMb:N1} MB at the start, {m.EndRssMb:N1} MB at the end, peak {m.PeakRssMb:N1} MB during the load (VmHWM {m.VmHwmMb:N1} MB)"));
            Console.WriteLine(string.Create(c, $"cpu seconds      host {m.HostCpuSeconds:0.0}, db {m.TreeCpuSeconds:0.0}, generator {m.GeneratorCpuSeconds:0.0}, others {m.OtherCpuSeconds:0.0} of {m.ElapsedSeconds * Environment.ProcessorCount:0.0} available; load average {m.LoadAverageStart} -> {m.LoadAverageEnd}"));
        }

        if (r.Patch is { } p)
        {
            Console.WriteLine(string.Create(c, $"pool PATCH       {p.Count} sent, {p.Failed} failed, latency ms p50 {p.P50Ms:0.###}  p99 {p.P99Ms:0.###}  max {p.MaxMs:0.###}"));
        }

        if (r.PoolEnd is { } pe)
        {
            Console.WriteLine(string.Create(c, $"pool at the end  budget {pe.Budget:N0}, matched {pe.Matched:N0}, remaining {pe.Remaining:N0}{(pe.ExhaustedAtSeconds is { } x ? $", ran dry at {x:0.0} s" : "")}"));
        }

        if (r.Errors.Count == 0)
        {
            Console.WriteLine("errors           none");
        }
        else
        {
            Console.WriteLine("errors           " + string.Join(", ", r.Errors.Select(e => string.Create(c, $"{e.Key}: {e.Value:N0}"))));
            foreach (var (key, sample) in totals.ErrorSamples.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                Console.WriteLine($"  e.g. {key}: {sample}");
            }
        }
    }

    public static void PrintChecks(IReadOnlyList<CheckResult> checks)
    {
        Console.WriteLine();
        Console.WriteLine("verification");
        foreach (var check in checks)
        {
            var detail = check.Passed ? check.Actual : $"expected {check.Expected}, got {check.Actual}";
            Console.WriteLine($"  {(check.Passed ? "PASS" : "FAIL")}  {check.Name}: {detail}");
        }

        Console.WriteLine(checks.All(c => c.Passed) ? "RESULT PASS" : "RESULT FAIL");
    }

    public static async Task WriteJsonAsync(BenchReport report, string path)
    {
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
        }

        await using var file = File.Create(full);
        await JsonSerializer.SerializeAsync(file, report, ReportJson.Default.BenchReport);
        Console.WriteLine($"wrote {full}");
    }
}
