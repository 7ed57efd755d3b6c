using System.Diagnostics;
using CharityDay.Integration.Tests.Errors;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Public;

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedStrangerTests(EmbeddedDeployment deployment) : StrangerTests(deployment)
{
    private readonly EmbeddedDeployment _deployment = deployment;

    /// <summary>
    /// The review's flood grew the process from 130 MB to 1.1 GB. Three rounds of strangers and of
    /// valid keys asking for unknown ids: after the first round (caches full, code warm), the later
    /// rounds add no /metrics series and no memory beyond what the garbage collector's slack explains.
    /// One activation or cache entry kept per request would be ~3 KB × 20,000 = 60 MB or more.
    /// </summary>
    [Fact]
    public async Task Memory_and_metrics_stay_flat_while_strangers_keep_coming()
    {
        var (_, partnerKey) = await _deployment.Api().CreatePartnerAsync();
        var host = Assert.Single(_deployment.Hosts);
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var rounds = new List<(long RssBytes, int MetricLines)>();
        for (var round = 0; round < 3; round++)
        {
            await RunAsync([client], Strangers(Requests, seed: 100 + round).Concat(WithValidKeys(Requests / 2, partnerKey, seed: 200 + round)));
            var scrape = await SiloMetrics.ScrapeAllAsync(_deployment);
            rounds.Add((ResidentBytes(host.ProcessId), scrape.Sum(s => s.Samples.Count)));
        }
        var detail = string.Join("; ", rounds.Select((r, i) => $"round {i + 1}: RSS {r.RssBytes / (1024 * 1024)} MB, {r.MetricLines} series"));
        Assert.True(rounds[2].MetricLines <= rounds[0].MetricLines + 50, $"unknown ids add /metrics series: {detail}");
        Assert.True(rounds[2].RssBytes - rounds[0].RssBytes <= 48L * 1024 * 1024, $"the process grows with strangers: {detail}");
    }

    /// <summary>
    /// A valid partner key scanning random donation ids: each unknown id is one ledger read, so past
    /// its budget of misses the partner is answered 429 before any read, while its own donations
    /// stay readable once the budget refills.
    /// </summary>
    [Fact]
    public async Task A_partner_scanning_for_donation_ids_is_held_to_its_miss_budget_and_still_reads_its_own()
    {
        var api = _deployment.Api();
        var campaign = await api.CreateCampaignAsync();
        var project = await api.CreateProjectAsync(campaign);
        var (_, key) = await api.CreatePartnerAsync();
        ApiClient.Ensure(await api.DonateAsync(key, "mine", project, "u1", 100), 201);
        using var client = new HttpClient { BaseAddress = Assert.Single(_deployment.Hosts).BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        const int scans = 8 * CharityDay.Api.ReadSide.DonationMissBudget.MissesPerSecond;
        var answers = new System.Collections.Concurrent.ConcurrentBag<ApiResponse>();
        var window = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, scans), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
            answers.Add(await api.SendAsync(HttpMethod.Get, $"/v1/donations/scan-{i}", key: key, client: client)));
        window.Stop();

        var missed = answers.Count(a => a.Code == 404);
        var limited = answers.Where(a => a.Code == 429).ToList();
        // The bucket holds one second's misses and refills continuously: at most that many per second, plus the first bucket.
        var allowed = CharityDay.Api.ReadSide.DonationMissBudget.MissesPerSecond * (1 + Math.Ceiling(window.Elapsed.TotalSeconds));
        var detail = $"{scans} GETs of unknown ids in {window.Elapsed.TotalMilliseconds:0} ms: {missed} read the ledger (at most {allowed}), {limited.Count} refused";
        Assert.True(missed + limited.Count == scans, $"other answers than 404 and 429: {detail}; e.g. {answers.FirstOrDefault(a => a.Code is not (404 or 429))}");
        Assert.True(missed <= allowed && limited.Count > 0, detail);
        Problems.AssertProblem(limited[0], 429, "rate-limited");
        Assert.True(limited[0].Headers.RetryAfter?.Delta is { } wait && wait > TimeSpan.Zero, $"429 without Retry-After: {limited[0].Headers}");

        // Reads of donations that exist cost nothing from the budget, and it refills within a second.
        var mine = await api.SendAsync(HttpMethod.Get, "/v1/donations/mine", key: key, client: client);
        for (var clock = Stopwatch.StartNew(); mine.Code == 429 && clock.Elapsed < TimeSpan.FromSeconds(5); )
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100));
            mine = await api.SendAsync(HttpMethod.Get, "/v1/donations/mine", key: key, client: client);
        }
        Assert.True(mine.Code == 200, $"the partner's own donation after the scan: {mine}");
    }

    /// <summary>VmRSS of a process (Linux /proc), in bytes.</summary>
    private static long ResidentBytes(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
