using System.Globalization;
using CharityDay.Rehearsal.Report;
using CharityDay.Rehearsal.Run;
using CharityDay.Rehearsal.Scenario;
using CharityDay.Rehearsal.Verdict;

namespace CharityDay.Rehearsal;

/// <summary>
/// A rehearsal of the day: (start a host,) set up through the admin API, play the planned day,
/// look up unknown outcomes, read everything back, judge, write the report.
/// Exit code 0 = every check passed, 1 = a check failed, 2 = the run could not start.
/// </summary>
public static class Rehearsal
{
    public static async Task<int> RunAsync(RehearsalOptions o, CancellationToken stop)
    {
        var c = CultureInfo.InvariantCulture;
        var runId = string.Create(c, $"rh-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Random.Shared.Next(0x10000):x4}");
        var outDir = Path.GetFullPath(o.OutputDir ?? DefaultOutputDir(runId));
        Directory.CreateDirectory(outDir);

        HostLauncher? host = null;
        try
        {
            IReadOnlyList<Uri> urls = o.Urls;
            var managerKey = o.ManagerKey;
            if (urls.Count == 0)
            {
                Console.WriteLine(o.ClusterSilos > 0 ? $"starting {o.ClusterSilos} Production silos on PostgreSQL…" : "starting the embedded host…");
                host = o.ClusterSilos > 0
                    ? await HostLauncher.StartClusterAsync(outDir, o.ClusterSilos, o.Postgres!)
                    : await HostLauncher.StartEmbeddedAsync(outDir, keepData: o.KeepData);
                urls = host.Urls;
                managerKey = host.ManagerKey;
            }

            var targetText = (host?.Description ?? "existing deployment") + " at " + string.Join(", ", urls);
            var plan = ScenarioPlanner.Plan(new ScenarioSettings(o.Seed, o.Duration, o.PeakRate, o.Projects, o.BotsOrDefault, runId));
            PrintPlan(plan, o, targetText);

            using var api = new Api(urls, o.Connections, o.RequestTimeout);
            RunTarget target;
            try
            {
                target = await Setup.RunAsync(api, plan, managerKey!, stop);
            }
            catch (Exception ex) when (ex is ApiException or HttpRequestException or TaskCanceledException)
            {
                await Console.Error.WriteLineAsync($"setup failed: {ex.Message}");
                return 2;
            }

            Console.WriteLine($"setup: campaign {target.CampaignId}, {plan.Population.Projects.Count:N0} projects, {plan.Pools.Count} pools, {Population.Partners.Count} partners with their keys");
            var log = await PlayAsync(api, plan, target, o, stop);

            Console.WriteLine("verifying against the API…");
            var input = InputBuilder.From(log);
            var server = await ServerReader.ReadAsync(api, target, input, [.. plan.Population.Projects.Select(p => p.ProjectId)],
                o.VerifySample, o.VerifyTimeout, o.Seed);
            var verdict = Judge.Evaluate(input, server);
            var summary = Summary.From(log);

            var charts = Charts.Write(outDir, summary);
            var csv = CsvFiles.Write(outDir, summary, verdict);
            Documents.Write(outDir, summary, verdict, charts, csv, targetText);
            Print(summary, verdict, targetText);
            Console.WriteLine($"report: {Path.Combine(outDir, "report.html")} (and report.md, {charts.Count} charts, {csv.Count} CSV files)");
            return verdict.Passed ? 0 : 1;
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or FileNotFoundException or DirectoryNotFoundException)
        {
            await Console.Error.WriteLineAsync($"could not start: {ex.Message}");
            return 2;
        }
        finally
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }
    }

    private static async Task<RunLog> PlayAsync(Api api, ScenarioPlan plan, RunTarget target, RehearsalOptions o, CancellationToken stop)
    {
        var grace = TimeSpan.FromSeconds(15);
        var clock = new RunClock();
        var live = new LiveStats((int)(plan.Shape.Seconds + grace.TotalSeconds) + 30);
        var driver = new Driver(api, plan, target, new DriverOptions(o.Mode, o.Workers, o.MaxInFlight, o.MaxRetries, grace), clock, live);
        var manager = new ManagerScript(api, plan, target, clock);
        var printEvery = TimeSpan.FromSeconds(Math.Clamp(Math.Round(plan.Shape.Seconds / 60), 1, 5));
        var monitor = new Run.Monitor(api, plan, target, clock, live, printEvery);

        using var stopMonitor = new CancellationTokenSource();
        var monitoring = monitor.RunAsync(stopMonitor.Token);
        var managing = manager.RunAsync(stop);
        await driver.RunAsync(stop);
        var loadMicros = clock.NowMicros;
        await managing;
        await stopMonitor.CancelAsync();
        await monitoring;

        var (looked, settled) = await Reconcile.RunAsync(api, plan, target, driver.Results);
        if (looked > 0)
        {
            Console.WriteLine($"looked up {looked:N0} request(s) with an unknown outcome: {settled:N0} settled");
        }

        await monitor.SampleAsync();
        return new RunLog(plan, target, o.Mode == LoadMode.Open ? "open" : "closed", clock.StartedUtc, loadMicros, driver.Results,
            manager.Results, monitor.Samples, live.AttemptErrorsBySecond, live.RetriesBySecond);
    }

    private static void PrintPlan(ScenarioPlan plan, RehearsalOptions o, string targetText)
    {
        var e = plan.Events;
        Console.WriteLine($"CharityDay rehearsal {plan.Settings.CampaignId} against {targetText}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  day: {o.Duration.TotalSeconds:0} s, peak {o.PeakRate:N0}/s at {plan.Shape.PeakReachedSeconds:0.0} s, surprise spike at {plan.Shape.SecondSpikeSeconds:0.0} s, {(o.Mode == LoadMode.Open ? "open loop" : $"closed loop ({o.Workers} workers)")}, seed {o.Seed}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  plan: {e.Count:N0} requests: {e.Count(x => x.Kind == EventKind.Donate && !x.Bot):N0} donations ({e.Count(x => x.ImpatientMs > 0):N0} after a gateway timeout), {e.Count(x => x.Bot):N0} scripted, {e.Count(x => x.Kind == EventKind.Redeliver):N0} redeliveries, {e.Count(x => x.Kind == EventKind.Refund):N0} refunds, {e.Count(x => x.Kind == EventKind.Bad):N0} bad requests; {plan.Manager.Count} manager actions"));
    }

    private static void Print(Summary s, VerdictResult verdict, string targetText)
    {
        Console.WriteLine();
        foreach (var t in Documents.Tables(s, verdict, targetText).Take(2))
        {
            Console.WriteLine(t.Title.ToLowerInvariant());
            foreach (var row in t.Rows)
            {
                Console.WriteLine($"  {row[0]}: {row[1]}");
            }
        }

        Console.WriteLine("verdict");
        foreach (var check in verdict.Checks)
        {
            Console.WriteLine(check.Passed ? $"  PASS  {check.Name}: {check.Actual}" : $"  FAIL  {check.Name}: expected {check.Expected}, got {check.Actual}");
        }

        Console.WriteLine(verdict.Passed ? "RESULT PASS" : $"RESULT FAIL ({verdict.Failed.Count()} check(s) failed)");
    }

    /// <summary>load-tests/reports/ of the repository when run from inside it (git-ignored), else ./rehearsal-reports/.</summary>
    private static string DefaultOutputDir(string runId)
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CharityDay.sln")))
            {
                return Path.Combine(dir.FullName, "load-tests", "reports", runId);
            }
        }

        return Path.Combine("rehearsal-reports", runId);
    }
}
