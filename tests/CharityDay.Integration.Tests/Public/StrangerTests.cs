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
            Assert.True(SiloMetrics.Increased(before, after) == "", $"{detail} added live activations: {SiloMetrics.Increased(before, after)}");
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
            Assert.True(SiloMetrics.Increased(before, after) == "",
                $"2,000 admin and partner reads of unknown ids with valid keys left activations behind: {SiloMetrics.Increased(before, after)}");
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

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresStrangerTests(PostgresClusterDeployment deployment) : StrangerTests(deployment);
