using System.Globalization;
using CharityDay.LoadTesting;

namespace CharityDay.LoadTests;

/// <summary>The <c>bench</c> command: setup, load, report, verify. Exit code 0 = pass, 1 = a check failed, 2 = setup failed.</summary>
internal static class Bench
{
    public static async Task<int> RunAsync(BenchOptions options, CancellationToken stop)
    {
        var runId = Setup.NewRunId();
        using var http = new HttpClients(options);
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c,
            $"CharityDay bench {runId}: {string.Join(',', options.Urls)} scenario={options.Scenario ?? "-"} mode={options.Mode.ToString().ToLowerInvariant()}{(options.Mode == BenchMode.Batch ? $" batch-size={options.BatchSize}" : "")} connections={options.Connections} workers={options.Workers} duration={DurationText.Format(options.Duration)}{(options.Count is { } n ? $" count={n}" : "")}{(options.UniqueDonors ? " unique-donors" : "")} projects={options.Projects} pool={(options.CampaignPool ? $"campaign budget={options.PoolBudget}" : "none")} hot-share={options.HotShare} patch-every={(options.PatchEvery is { } pe ? DurationText.Format(pe) : "-")} seed={options.Seed}"));

        BenchTarget target;
        try
        {
            if (options.TargetPath is { } targetPath)
            {
                // Set up beforehand by the `setup` command (scenario f: readers know the campaign before the load).
                var file = await TargetFile.LoadAsync(targetPath);
                target = file.ToBenchTarget();
                options = file.Apply(options);
            }
            else
            {
                target = await Setup.RunAsync(options, http.Manager, runId, stop);
            }
        }
        catch (Exception ex) when (ex is ApiException or HttpRequestException or TaskCanceledException or IOException or System.Text.Json.JsonException)
        {
            await Console.Error.WriteLineAsync($"setup failed: {ex.Message}");
            return 2;
        }

        Console.WriteLine($"setup: campaign {target.CampaignId}, {target.ProjectIds.Count} projects, " +
            $"pool {target.PoolId ?? "none"}, partner {target.PartnerId} (key {target.PartnerKeyId})");

        if (options.Warmup > TimeSpan.Zero && !await WarmUpAsync(options, http, stop))
        {
            return 2;
        }

        var partners = options.Urls.Select(u => http.CreatePartner(u, target.PartnerSecret, options.RequestTimeout)).ToList();
        var silos = options.Urls.Select(u => http.CreateAdmin(u, null, TimeSpan.FromSeconds(10))).ToList();
        try
        {
            var before = options.ScrapeMetrics ? await Metrics.ScrapeAsync(silos, target.CampaignId, target.PoolId) : null;
            var workload = new Workload(options, target, runId, partners, http.Public);
            var sampler = new ProcSampler(options.HostPids, options.CpuPids, () => workload.Live.Accepted, options.RssEvery);
            using var sideStop = new CancellationTokenSource();
            var patcher = options.PatchEvery is not null && target.PoolId is { } patchedPool ? new PoolPatcher(http.Manager, patchedPool, options) : null;
            var watcher = options.ExpectExhaustion && target.PoolId is { } watchedPool ? new PoolWatcher(http.Manager, watchedPool) : null;
            // Marker for scripts that start side load (scenario f's readers) with the measured phase.
            Console.WriteLine(string.Create(c, $"load: started {DateTimeOffset.UtcNow:O} for {DurationText.Format(options.Duration)}"));
            var loadStarted = System.Diagnostics.Stopwatch.GetTimestamp();
            sampler.Start();
            var side = Task.WhenAll(
                patcher?.RunAsync(options.Duration, sideStop.Token) ?? Task.CompletedTask,
                watcher?.RunAsync(loadStarted, sideStop.Token) ?? Task.CompletedTask);

            var run = await workload.RunAsync(stop);
            var machine = await sampler.StopAsync();
            await sideStop.CancelAsync();
            await side;
            var after = options.ScrapeMetrics ? await Metrics.ScrapeAsync(silos, target.CampaignId, target.PoolId) : null;
            var metrics = after is null ? null : before is null ? after : after - before;

            IReadOnlyList<CheckResult>? checks = null;
            PoolEnd? poolEnd = null;
            if (!options.SkipVerify)
            {
                var (list, pool) = await Verify.RunAsync(options, target, run, http, patcher, watcher, CancellationToken.None);
                checks = list;
                if (pool is not null)
                {
                    poolEnd = new PoolEnd(pool.Budget, pool.Matched, pool.Remaining, watcher?.ExhaustedAtSeconds);
                }
            }

            var report = Report.Build(options, runId, run, checks, metrics, machine, patcher, poolEnd);
            Report.PrintLoad(report, run.Totals);
            if (checks is not null)
            {
                Report.PrintChecks(checks);
            }

            if (options.JsonPath is { } path)
            {
                await Report.WriteJsonAsync(report, path);
            }

            return report.Passed == false ? 1 : 0;
        }
        finally
        {
            partners.ForEach(p => p.Dispose());
            silos.ForEach(p => p.Dispose());
        }
    }

    /// <summary>
    /// The same load on a campaign of its own, not measured and not verified: the measured run then
    /// sees a host whose hot paths are compiled (a charity day's host has been up for hours).
    /// </summary>
    private static async Task<bool> WarmUpAsync(BenchOptions options, HttpClients http, CancellationToken stop)
    {
        var warmOptions = options with { Duration = options.Warmup, Count = null, PatchEvery = null, ExpectExhaustion = false, HubChildren = 0 };
        var runId = Setup.NewRunId();
        try
        {
            var target = await Setup.RunAsync(warmOptions, http.Manager, runId, stop);
            var partners = options.Urls.Select(u => http.CreatePartner(u, target.PartnerSecret, options.RequestTimeout)).ToList();
            try
            {
                Console.WriteLine($"warm-up: {DurationText.Format(options.Warmup)} on campaign {target.CampaignId} (not measured)");
                await new Workload(warmOptions, target, runId, partners, http.Public).RunAsync(stop);
                return true;
            }
            finally
            {
                partners.ForEach(p => p.Dispose());
            }
        }
        catch (Exception ex) when (ex is ApiException or HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"warm-up failed: {ex.Message}");
            return false;
        }
    }
}
