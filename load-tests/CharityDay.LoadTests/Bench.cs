using System.Globalization;

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
            $"CharityDay bench {runId}: {options.Url} mode={options.Mode.ToString().ToLowerInvariant()}{(options.Mode == BenchMode.Batch ? $" batch-size={options.BatchSize}" : "")} connections={options.Connections} workers={options.Workers} duration={DurationText.Format(options.Duration)} projects={options.Projects} pool={(options.CampaignPool ? "campaign" : "none")} seed={options.Seed}"));

        BenchTarget target;
        try
        {
            target = await Setup.RunAsync(options, http.Manager, runId, stop);
        }
        catch (Exception ex) when (ex is ApiException or HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"setup failed: {ex.Message}");
            return 2;
        }

        Console.WriteLine($"setup: campaign {target.CampaignId}, {target.ProjectIds.Count} projects, " +
            $"pool {target.PoolId ?? "none"}, partner {target.PartnerId} (key {target.PartnerKeyId})");

        using var partner = http.CreatePartner(options.Url, target.PartnerSecret, options.RequestTimeout);
        var run = await new Workload(options, target, runId, partner).RunAsync(stop);

        IReadOnlyList<CheckResult>? checks = null;
        if (!options.SkipVerify)
        {
            checks = await Verify.RunAsync(options, target, run, http, CancellationToken.None);
        }

        var report = Report.Build(options, runId, run, checks);
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
}
