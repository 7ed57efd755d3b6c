using System.Diagnostics;
using System.Security.Cryptography;
using CharityDay.Integration.Tests.Errors;
using CharityDay.Integration.Tests.Infrastructure;
using CharityDay.Integration.Tests.Telemetry;

namespace CharityDay.Integration.Tests.Public;

/// <summary>
/// SPEC §4 "an unknown id is answered without creating any state", at the scale of a review's
/// flood: random bearer keys and unknown project, campaign, pool and donation ids leave every
/// silo's grain activations where they were, and a valid key asking for unknown ids leaves none
/// behind either.
/// </summary>
public abstract class StrangerTests(Deployment deployment)
{
    public const int Requests = 10_000;

    private static readonly TimeSpan SettleWithin = TimeSpan.FromSeconds(15);

    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task Ten_thousand_requests_with_random_keys_and_unknown_ids_leave_the_activations_where_they_were()
    {
        var clients = deployment.Hosts.Select(h => new HttpClient { BaseAddress = h.BaseAddress, Timeout = TimeSpan.FromSeconds(60) }).ToList();
        try
        {
            // What answering needs anyway (directory copies, the stateless workers) is set up once per silo, before counting.
            foreach (var client in clients)
            {
                foreach (var request in Strangers(StrangerKinds * 2, seed: 1))
                {
                    await request(client);
                }
            }
            var before = await SettledAliveAsync(null);
            var createdBefore = SiloMetrics.ActivationsByGrainType(await SiloMetrics.ScrapeAllAsync(deployment));

            var elapsed = Stopwatch.StartNew();
            await RunAsync(clients, Strangers(Requests, seed: 2));
            elapsed.Stop();

            var after = await SettledAliveAsync(before);
            var createdAfter = SiloMetrics.ActivationsByGrainType(await SiloMetrics.ScrapeAllAsync(deployment));
            var created = createdAfter.Sum(a => a.Value) - createdBefore.Sum(b => b.Value);
            var detail = $"{Requests} stranger requests in {elapsed.Elapsed.TotalSeconds:0.0} s over {clients.Count} silo(s)";
            Assert.True(SiloMetrics.Grown(before, after) == "", $"{detail} changed the live activations: {SiloMetrics.Grown(before, after)}");
            // Not one activation per request, not even one that came and went: a few for the server's own background work at most.
            Assert.True(created <= 5, $"{detail} created {created} activations: {SiloMetrics.Grown(createdBefore, createdAfter)}");
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Valid_keys_asking_for_unknown_ids_leave_no_activations_behind()
    {
        var (_, partnerKey) = await _api.CreatePartnerAsync();
        var clients = deployment.Hosts.Select(h => new HttpClient { BaseAddress = h.BaseAddress, Timeout = TimeSpan.FromSeconds(60) }).ToList();
        try
        {
            foreach (var client in clients)
            {
                foreach (var request in WithValidKeys(ValidKinds * 2, partnerKey, seed: 3))
                {
                    await request(client);
                }
            }
            var before = await SettledAliveAsync(null);
            await RunAsync(clients, WithValidKeys(2_000, partnerKey, seed: 4));
            var after = await SettledAliveAsync(before);
            Assert.True(SiloMetrics.Grown(before, after) == "",
                $"2,000 admin and partner reads of unknown ids with valid keys left activations behind: {SiloMetrics.Grown(before, after)}");
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Ids_asked_for_before_they_existed_work_on_every_silo_as_soon_as_they_are_created()
    {
        var campaign = ApiClient.NewId("c");
        var project = ApiClient.NewId("p");
        var clients = deployment.Hosts.Select(h => new HttpClient { BaseAddress = h.BaseAddress, Timeout = TimeSpan.FromSeconds(60) }).ToList();
        try
        {
            // Every silo learns these ids do not exist (and may keep that miss for its public readers).
            foreach (var client in clients)
            {
                Problems.AssertProblem(await _api.SendAsync(HttpMethod.Get, $"/v1/campaigns/{campaign}", client: client), 404, "not-found", "campaignId");
                Problems.AssertProblem(await _api.SendAsync(HttpMethod.Get, $"/v1/projects/{project}", client: client), 404, "not-found", "projectId");
                Problems.AssertProblem(await _api.SendAsync(HttpMethod.Get, $"/v1/admin/campaigns/{campaign}", key: Deployment.ManagerKey, client: client), 404, "not-found", "campaignId");
            }
            await _api.CreateCampaignAsync(id: campaign);
            ApiClient.Ensure(await _api.Manager(HttpMethod.Put, $"/v1/admin/projects/{project}", new { campaignId = campaign, name = "Late" }), 201);
            var (_, key) = await _api.CreatePartnerAsync();
            var created = DateTimeOffset.UtcNow;

            // Writes and admin reads see them at once, on every silo: a kept miss never answers them.
            for (var i = 0; i < clients.Count; i++)
            {
                var client = clients[i];
                ApiClient.Ensure(await _api.SendAsync(HttpMethod.Get, $"/v1/admin/campaigns/{campaign}", key: Deployment.ManagerKey, client: client), 200);
                ApiClient.Ensure(await _api.SendAsync(HttpMethod.Get, $"/v1/admin/campaigns/{campaign}/placement", key: Deployment.ManagerKey, client: client), 200);
                var posted = await _api.PostDonationAsync(key, new { donationId = $"late-{i}", projectId = project, donorId = "u1", amount = 10 }, client);
                Assert.True(posted.Code == 201, $"a donation to a project created a moment ago, through silo {i}: {posted}");
            }
            // Public reads may lag by their snapshot (SPEC §4): a read of a snapshot taken after the creation finds them.
            foreach (var client in clients)
            {
                var view = await _api.GetPublicFreshAsync($"/v1/projects/{project}", client: client, since: created);
                Assert.True(view.Code == 200, $"GET /v1/projects/{project} with a snapshot after its creation: {view}");
                var board = await _api.GetPublicFreshAsync($"/v1/campaigns/{campaign}", client: client, since: created);
                Assert.True(board.Code == 200, $"GET /v1/campaigns/{campaign} with a snapshot after its creation: {board}");
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    /// <summary>Runs the requests 32 at a time, spread over the silos.</summary>
    public static Task RunAsync(IReadOnlyList<HttpClient> clients, IEnumerable<Func<HttpClient, Task>> requests)
    {
        var list = requests.ToList();
        return Parallel.ForEachAsync(Enumerable.Range(0, list.Count), new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (i, _) => await list[i](clients[i % clients.Count]));
    }

    /// <summary>
    /// The live application activations once two scrapes a second apart agree (deactivations finish
    /// in the background, and the exporter may serve a scrape from a short cache); when
    /// <paramref name="expected"/> is given, waits up to <see cref="SettleWithin"/> for it.
    /// </summary>
    private async Task<Dictionary<string, double>> SettledAliveAsync(IReadOnlyDictionary<string, double>? expected)
    {
        var deadline = Stopwatch.StartNew();
        var last = SiloMetrics.AliveByGrainType(await SiloMetrics.ScrapeAllAsync(deployment));
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = SiloMetrics.AliveByGrainType(await SiloMetrics.ScrapeAllAsync(deployment));
            var settled = SiloMetrics.Grown(last, now) == "";
            if ((expected is null ? settled : SiloMetrics.Grown(expected, now) == "") || deadline.Elapsed > SettleWithin)
            {
                return now;
            }
            last = now;
        }
    }

    public const int StrangerKinds = 9;

    /// <summary>
    /// <paramref name="count"/> requests nobody was given a key or an id for, of <see cref="StrangerKinds"/>
    /// kinds in turn; each checks its own answer (404 or 401, problem+json).
    /// </summary>
    public IEnumerable<Func<HttpClient, Task>> Strangers(int count, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var id = "x-" + Hex(random, 8);
            var key = $"cd_k{Hex(random, 8)}_{Hex(random, 16)}";
            yield return (i % StrangerKinds) switch
            {
                0 => Expect(HttpMethod.Get, $"/v1/projects/{id}", null, 404, "not-found"),
                1 => Expect(HttpMethod.Get, $"/v1/campaigns/{id}", null, 404, "not-found"),
                2 => Expect(HttpMethod.Get, $"/v1/campaigns/{id}/leaderboard", null, 404, "not-found"),
                // The same unknown id, over and over: a page link that never existed.
                3 => Expect(HttpMethod.Get, "/v1/projects/x-never-created", null, 404, "not-found"),
                4 => Expect(HttpMethod.Get, $"/v1/donations/{id}", key, 401, "unauthorized"),
                5 => async client => Problems.AssertProblem(
                    await _api.PostDonationAsync(key, new { donationId = id, projectId = id, donorId = "u1", amount = 100 }, client), 401, "unauthorized"),
                6 => Expect(HttpMethod.Get, $"/v1/admin/campaigns/{id}", key, 401, "unauthorized"),
                7 => Expect(HttpMethod.Get, $"/v1/admin/pools/{id}", key, 401, "unauthorized"),
                _ => Expect(HttpMethod.Get, $"/v1/admin/projects/{id}", "not-a-key", 401, "unauthorized"),
            };
        }
    }

    public const int ValidKinds = 5;

    /// <summary>A partner and a manager with valid keys asking for ids that do not exist: 404 each.</summary>
    public IEnumerable<Func<HttpClient, Task>> WithValidKeys(int count, string partnerKey, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var id = "x-" + Hex(random, 8);
            yield return (i % ValidKinds) switch
            {
                0 => Expect(HttpMethod.Get, $"/v1/donations/{id}", partnerKey, 404, "not-found"),
                1 => Expect(HttpMethod.Get, $"/v1/admin/campaigns/{id}", Deployment.ManagerKey, 404, "not-found"),
                2 => Expect(HttpMethod.Get, $"/v1/admin/projects/{id}", Deployment.ManagerKey, 404, "not-found"),
                3 => Expect(HttpMethod.Get, $"/v1/admin/pools/{id}", Deployment.ManagerKey, 404, "not-found"),
                _ => Expect(HttpMethod.Get, $"/v1/admin/campaigns/{id}/placement", Deployment.ManagerKey, 404, "not-found"),
            };
        }
    }

    private Func<HttpClient, Task> Expect(HttpMethod method, string path, string? key, int status, string type) =>
        async client => Problems.AssertProblem(await _api.SendAsync(method, path, key: key, client: client), status, type);

    private static string Hex(Random random, int bytes)
    {
        var buffer = new byte[bytes];
        random.NextBytes(buffer);
        return Convert.ToHexStringLower(buffer);
    }
}

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

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresStrangerTests(PostgresClusterDeployment deployment) : StrangerTests(deployment);
