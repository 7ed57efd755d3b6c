using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using CharityDay.Integration.Tests.Errors;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Public;

/// <summary>
/// SPEC §4 "Reads never slow the burst": public reads come from a per-silo snapshot at most about a
/// second old (<c>CharityDay-Snapshot-At</c>, <c>Cache-Control: public, max-age=1</c>), a parent with
/// 2,000 sub-projects rolls up exactly, readers never reach the activation that commits donations,
/// and an unknown id is answered without creating any state.
/// </summary>
public abstract partial class SnapshotReadTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex Rfc3339UtcMillis();

    [Fact]
    public async Task Public_reads_carry_the_instant_of_their_snapshot_and_may_be_cached_for_a_second()
    {
        var campaign = await _api.CreateCampaignAsync();
        var project = await _api.CreateProjectAsync(campaign);
        var began = DateTimeOffset.UtcNow;
        string[] known = [$"/v1/projects/{project}", $"/v1/campaigns/{campaign}", $"/v1/campaigns/{campaign}/leaderboard"];
        string[] unknown = [$"/v1/projects/{ApiClient.NewId("p")}", $"/v1/campaigns/{ApiClient.NewId("c")}", $"/v1/campaigns/{ApiClient.NewId("c")}/leaderboard"];

        foreach (var (path, status) in known.Select(p => (p, 200)).Concat(unknown.Select(p => (p, 404))))
        {
            // A fresh read: the snapshot moves on by itself, so within the helper's 5 s one includes the writes above.
            var fresh = await _api.GetPublicFreshAsync(path, since: began);
            Assert.True(fresh.Code == status, $"GET {path}: expected {status}, got {fresh}");
            AssertSnapshotHeaders(path, fresh);
            Assert.True(fresh.SnapshotAt >= began, $"GET {path}: no snapshot newer than {began:O} within {ApiClient.FreshReadTimeout}: {fresh.SnapshotAt:O}");

            // A plain read: its snapshot is at most ~1 s old (SPEC §4); 1 s more for a busy test machine.
            var sent = DateTimeOffset.UtcNow;
            var plain = await _api.SendAsync(HttpMethod.Get, path);
            var answered = DateTimeOffset.UtcNow;
            Assert.True(plain.Code == status, $"GET {path}: expected {status}, got {plain}");
            AssertSnapshotHeaders(path, plain);
            Assert.True(plain.SnapshotAt >= sent - TimeSpan.FromSeconds(2), $"GET {path} sent at {sent:O}: snapshot of {plain.SnapshotAt:O} is older than 2 s");
            // Same machine, same clock: a snapshot is never taken after its answer (the header is truncated to ms).
            Assert.True(plain.SnapshotAt <= answered, $"GET {path} answered at {answered:O} with a snapshot of {plain.SnapshotAt:O}");
        }
    }

    private static void AssertSnapshotHeaders(string path, ApiResponse response)
    {
        Assert.True(response.Headers.TryGetValues(ApiClient.SnapshotAtHeader, out var values), $"GET {path}: no {ApiClient.SnapshotAtHeader} header in {response.Headers}");
        var value = Assert.Single(values);
        Assert.True(Rfc3339UtcMillis().IsMatch(value), $"GET {path}: {ApiClient.SnapshotAtHeader}: '{value}' is not RFC 3339 UTC with milliseconds");
        Assert.NotNull(response.SnapshotAt);
        var cache = response.Headers.CacheControl;
        Assert.True(cache is { Public: true, MaxAge: { } maxAge } && maxAge == TimeSpan.FromSeconds(1),
            $"GET {path}: expected Cache-Control: public, max-age=1, got '{cache}'");
    }

    [Fact]
    public async Task A_hub_of_2000_sub_projects_rolls_up_exactly_its_childrens_totals_and_its_own()
    {
        const int children = 2000;
        const int donations = 6000;
        var random = new Random(20261203);
        var campaign = await _api.CreateCampaignAsync();
        var hub = await _api.CreateProjectAsync(campaign);
        var kids = new string[children];
        await Parallel.ForEachAsync(Enumerable.Range(0, children), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            kids[i] = await _api.CreateProjectAsync(campaign, parentProjectId: hub));
        // Half matching, with a budget the workload exhausts part-way: full, partial and no matches.
        var pool = await _api.CreatePoolAsync(campaign, new() { ["budget"] = 5_000_000L, ["ratioBps"] = 5000 });
        var (_, key) = await _api.CreatePartnerAsync();

        // A fixed seed, so a failure replays the same workload: one donation in ten goes to the hub itself.
        var plan = new (string DonationId, string ProjectId, string DonorId, long Amount)[donations];
        for (var i = 0; i < donations; i++)
        {
            var projectId = random.Next(10) == 0 ? hub : kids[random.Next(children)];
            plan[i] = ($"hub-{i}", projectId, $"u{random.Next(1000)}", random.Next(100, 20_001));
        }

        // What the answers say was accepted, and with which match.
        var accepted = new Dictionary<string, (string ProjectId, long Amount, long Matched)>(StringComparer.Ordinal);
        foreach (var batch in plan.Chunk(500))
        {
            var response = await _api.PostBatchAsync(key, new
            {
                donations = batch.Select(d => new { donationId = d.DonationId, projectId = d.ProjectId, donorId = d.DonorId, amount = d.Amount }),
            });
            ApiClient.Ensure(response, 200);
            foreach (var result in response["results"].AsArray())
            {
                var item = batch[result!["index"]!.GetValue<int>()];
                var status = result["status"]!.GetValue<int>();
                // 429 is load shedding (never written); anything else is a fault of the test or the server.
                Assert.True(status is 201 or 429, $"{item.DonationId}: {result.ToJsonString()}");
                if (status == 201)
                {
                    Assert.Equal(item.Amount, result["donation"]!["amount"]!.GetValue<long>());
                    accepted[item.DonationId] = (item.ProjectId, item.Amount, result["donation"]!["matchedTotal"]!.GetValue<long>());
                }
            }
        }
        Assert.True(accepted.Count >= donations / 2, $"only {accepted.Count} of {donations} donations were accepted");

        // Refund a random tenth of what was accepted: it leaves every total, its match goes back to the pool.
        var refunds = accepted.Keys.Order(StringComparer.Ordinal).Where(_ => random.Next(10) == 0).ToList();
        await Parallel.ForEachAsync(refunds, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, _) =>
        {
            var refund = await _api.RefundAsync(key, id);
            Assert.True(refund.Code == 200 && refund["status"].GetValue<string>() == "refunded", $"refund of {id}: {refund}");
        });
        foreach (var id in refunds)
        {
            accepted.Remove(id);
        }
        // Every write above was acknowledged before this instant: each read below waits for a snapshot from after it.
        var written = DateTimeOffset.UtcNow;

        var expected = accepted.Values.GroupBy(d => d.ProjectId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new Totals(g.Sum(d => d.Amount), g.Sum(d => d.Matched), g.Count()), StringComparer.Ordinal);
        var all = new Totals(accepted.Values.Sum(d => d.Amount), accepted.Values.Sum(d => d.Matched), accepted.Count);
        Assert.True(all.Matched > 0 && expected.ContainsKey(hub), $"a degenerate workload: {all}, hub {expected.GetValueOrDefault(hub)}");

        var hubView = await _api.GetProjectAsync(hub, since: written);
        ApiClient.Ensure(hubView, 200);
        Assert.True(hubView.SnapshotAt >= written, $"no snapshot from after the writes: {hubView.SnapshotAt:O} < {written:O}");
        Assert.Equal(expected[hub], Totals.Own(hubView));
        // From the answers alone: the hub's own donations and every child's.
        Assert.Equal(all, Totals.Rollup(hubView));

        // From reading every child: each is a leaf with exactly its own donations, and they add up to the hub.
        var read = new ConcurrentDictionary<string, Totals>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(kids, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (kid, _) =>
        {
            var view = await _api.GetProjectAsync(kid, since: written);
            Assert.True(view.Code == 200, $"GET child {kid}: {view}");
            Assert.True(view.SnapshotAt >= written, $"child {kid}: no snapshot from after the writes: {view.SnapshotAt:O} < {written:O}");
            Assert.Equal(hub, view["parentProjectId"].GetValue<string>());
            var own = Totals.Own(view);
            Assert.True(own == Totals.Rollup(view), $"child {kid} is a leaf, but its rollup {Totals.Rollup(view)} is not its own {own}");
            var wanted = expected.GetValueOrDefault(kid, Totals.Zero);
            Assert.True(own == wanted, $"child {kid}: read {own}, the answers say {wanted}");
            read[kid] = own;
        });
        Assert.Equal(children, read.Count);
        Assert.Equal(Totals.Own(hubView) + read.Values.Aggregate(Totals.Zero, (a, b) => a + b), Totals.Rollup(hubView));

        // Every project of the campaign is under the hub: the campaign's totals are the hub's rollup.
        var campaignView = await _api.GetCampaignAsync(campaign, since: written);
        ApiClient.Ensure(campaignView, 200);
        Assert.Equal(Totals.Rollup(hubView), new Totals(campaignView.Long("raised"), campaignView.Long("matched"), campaignView.Long("donationCount")));
        Assert.Equal(children + 1, campaignView.Long("projectCount"));
        Assert.Equal(all.Matched, (await _api.GetPoolAsync(pool)).Long("matched"));
    }

    private sealed record Totals(long Raised, long Matched, long Count)
    {
        public static readonly Totals Zero = new(0, 0, 0);

        public static Totals Own(ApiResponse project) => new(project.Long("raised"), project.Long("matched"), project.Long("donationCount"));

        public static Totals Rollup(ApiResponse project) => new(
            project["rollup"]["raised"]!.GetValue<long>(), project["rollup"]["matched"]!.GetValue<long>(), project["rollup"]["donationCount"]!.GetValue<long>());

        public static Totals operator +(Totals a, Totals b) => new(a.Raised + b.Raised, a.Matched + b.Matched, a.Count + b.Count);
    }

    [Fact]
    public async Task Public_readers_do_not_reach_the_campaign_writer()
    {
        var campaign = await _api.CreateCampaignAsync();
        var parent = await _api.CreateProjectAsync(campaign);
        var subProjects = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            subProjects.Add(await _api.CreateProjectAsync(campaign, parentProjectId: parent));
        }
        var leaves = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            leaves.Add(await _api.CreateProjectAsync(campaign));
        }
        await _api.CreatePoolAsync(campaign, new() { ["budget"] = 100_000L, ["ratioBps"] = 10_000 });
        var (_, key) = await _api.CreatePartnerAsync();
        List<string> projects = [parent, .. subProjects, .. leaves];
        var batch = await _api.PostBatchAsync(key, new
        {
            donations = Enumerable.Range(0, 200).Select(i => new { donationId = $"r{i}", projectId = projects[i % projects.Count], donorId = $"u{i % 37}", amount = 100L + i }),
        });
        ApiClient.Ensure(batch, 200);
        var written = DateTimeOffset.UtcNow;

        string[] paths =
        [
            $"/v1/campaigns/{campaign}", $"/v1/campaigns/{campaign}/leaderboard", $"/v1/campaigns/{campaign}/leaderboard?top=100",
            .. projects.Select(p => $"/v1/projects/{p}"),
        ];
        // Every page once, fresh, on every silo: the silos' caches hold this campaign before the count starts.
        foreach (var host in deployment.Hosts)
        {
            using var http = new HttpClient { BaseAddress = host.BaseAddress };
            foreach (var path in paths)
            {
                var warm = await _api.GetPublicFreshAsync(path, client: http, since: written);
                Assert.True(warm.Code == 200, $"GET {path} on {host.Name}: {warm}");
            }
        }
        // The exporter may serve a scrape from a short cache: let the warm-up's calls land before counting.
        await Task.Delay(TimeSpan.FromSeconds(1));

        var window = Stopwatch.StartNew();
        var before = await SiloMetrics.ScrapeAllAsync(deployment);
        var hammering = TimeSpan.FromSeconds(3);
        var reads = 0;
        var failures = new ConcurrentQueue<string>();
        var hammer = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(async reader =>
        {
            var pick = new Random(reader);
            while (hammer.Elapsed < hammering)
            {
                var path = paths[pick.Next(paths.Length)];
                var response = await _api.SendAsync(HttpMethod.Get, path);
                Interlocked.Increment(ref reads);
                if (response.Code != 200)
                {
                    failures.Enqueue($"GET {path}: {response}");
                }
            }
        }));
        await Task.Delay(TimeSpan.FromSeconds(1));
        var after = await SiloMetrics.ScrapeAllAsync(deployment);
        var seconds = Math.Ceiling(window.Elapsed.TotalSeconds);

        Assert.True(failures.IsEmpty, $"{failures.Count} of {reads} reads failed, e.g.:\n{string.Join('\n', failures.Take(5))}");
        var grew = SiloMetrics.WriterReads(after, campaign) - SiloMetrics.WriterReads(before, campaign);
        // The bound: each silo's cache may pull this campaign's snapshot a few times a second (SPEC §4),
        // however many readers it serves; 20 calls per silo per second of the counting window (scrape to
        // scrape, ~5 s) is several times that, and does not depend on the number of reads. A writer that
        // served reads itself would take thousands of calls here.
        var bound = 20 * deployment.Hosts.Count * seconds;
        var detail = $"{reads} reads in {hammering.TotalSeconds:0} s over {deployment.Hosts.Count} silo(s); writer calls other than writes " +
            $"grew by {grew} in {seconds} s (bound {bound}); before: {SiloMetrics.WriterCallsByMethod(before, campaign)}; after: {SiloMetrics.WriterCallsByMethod(after, campaign)}; " +
            $"snapshot fetches grew by {SiloMetrics.Total(after, SiloMetrics.SnapshotFetches) - SiloMetrics.Total(before, SiloMetrics.SnapshotFetches)}";
        Assert.True(after.Any(s => s.Find(SiloMetrics.WriterCalls, ("campaign", campaign)).Count > 0),
            $"no {SiloMetrics.WriterCalls} series for campaign {campaign} on any host (the setup's writes reached its writer): {detail}");
        Assert.True(reads >= 1000, $"the hammer made too few reads to tell: {detail}");
        Assert.True(grew <= bound, $"public reads reached the campaign writer: {detail}");
        Assert.True(grew * 10 <= reads, $"writer calls are not far fewer than the reads: {detail}");
    }

    [Fact]
    public async Task Unknown_ids_and_keys_are_answered_without_creating_any_activation()
    {
        const int perKind = 500;
        // Whatever answering needs anyway (per-silo directories and caches) is set up once per silo, before counting.
        var clients = deployment.Hosts.Select(h => new HttpClient { BaseAddress = h.BaseAddress, Timeout = TimeSpan.FromSeconds(60) }).ToList();
        try
        {
            foreach (var client in clients)
            {
                foreach (var request in UnknownRequests(2))
                {
                    await request(client);
                }
            }
            // The exporter may serve a scrape from a short cache: let the warm-up's activations land before counting.
            await Task.Delay(TimeSpan.FromSeconds(1));
            var before = SiloMetrics.ActivationsByGrainType(await SiloMetrics.ScrapeAllAsync(deployment));
            Assert.True(before.Count > 0, $"no {SiloMetrics.ActivationsCreated} series in /metrics of any host");

            var requests = UnknownRequests(perKind).ToList();
            await Parallel.ForEachAsync(Enumerable.Range(0, requests.Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
                await requests[i](clients[i % clients.Count]));

            await Task.Delay(TimeSpan.FromSeconds(1));
            var after = SiloMetrics.ActivationsByGrainType(await SiloMetrics.ScrapeAllAsync(deployment));
            var grew = after.Sum(a => a.Value) - before.Sum(b => b.Value);
            var byType = string.Join(", ", after.Select(a => (a.Key, Grew: a.Value - before.GetValueOrDefault(a.Key))).Where(a => a.Grew != 0).Select(a => $"{a.Key}+{a.Grew}"));
            // A small constant for the server's own background work in the window (a cache refresh, a
            // directory partition); one activation per unknown id would be 1,500 or more.
            Assert.True(grew <= 20, $"{requests.Count} requests with unknown ids or keys created {grew} activations: {byType}");
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>
    /// <paramref name="count"/> each of: GETs of unknown projects; GETs of unknown campaigns (half of
    /// them their leaderboard); partner calls (half GET, half POST) with well-formed keys nobody issued.
    /// Each checks its own answer: 404, 404, 401, as problem+json.
    /// </summary>
    private IEnumerable<Func<HttpClient, Task>> UnknownRequests(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var project = "p-unknown-" + RandomHex(8);
            yield return async client => Problems.AssertProblem(await _api.SendAsync(HttpMethod.Get, $"/v1/projects/{project}", client: client), 404, "not-found", "projectId");
        }
        for (var i = 0; i < count; i++)
        {
            var path = $"/v1/campaigns/c-unknown-{RandomHex(8)}" + (i % 2 == 0 ? "" : "/leaderboard");
            yield return async client => Problems.AssertProblem(await _api.SendAsync(HttpMethod.Get, path, client: client), 404, "not-found", "campaignId");
        }
        for (var i = 0; i < count; i++)
        {
            var key = $"cd_k{RandomHex(8)}_{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}";
            var donationId = "d-" + RandomHex(8);
            var get = i % 2 == 0;
            yield return async client =>
            {
                var response = get
                    ? await _api.SendAsync(HttpMethod.Get, $"/v1/donations/{donationId}", key: key, client: client)
                    : await _api.PostDonationAsync(key, new { donationId, projectId = "p-unknown-" + RandomHex(8), donorId = "u1", amount = 100 }, client);
                Problems.AssertProblem(response, 401, "unauthorized");
            };
        }
    }

    private static string RandomHex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedSnapshotReadTests(EmbeddedDeployment deployment) : SnapshotReadTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresSnapshotReadTests(PostgresClusterDeployment deployment) : SnapshotReadTests(deployment);
