using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CharityDay.Integration.Tests.Crash;
using CharityDay.Integration.Tests.Infrastructure;
using CharityDay.Integration.Tests.Public;
using Xunit.Abstractions;

namespace CharityDay.Integration.Tests.Faults;

/// <summary>
/// Issue 20: PostgreSQL shut down hard (<c>pg_ctl -m immediate</c>: a crash, a failover, a restart
/// for a patch) under three production silos, and started again on the same port and data. Partners
/// keep posting and retry by donationId; each silo is timed from "the database accepts connections
/// again" to "it served a donation and an admin write"; at the end the auditor checks every
/// acknowledged donation, the totals to the fen and the pool's limits.
/// </summary>
public sealed class DatabaseRestartFaultTests(PostgresFaultDeployment deployment, ITestOutputHelper output) : IClassFixture<PostgresFaultDeployment>
{
    private const long Budget = 400_000;
    private const long PerDonorDailyCap = 3_000;
    private const long TopUpFen = 70_000;

    /// <summary>
    /// The test's bound on a silo's recovery. The production target is 2 s (issue 20); measured here
    /// (2 shared cores, 8 posting threads): docs/operations.md, "Database restart".
    /// </summary>
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(5);

    /// <summary>How long the database stays down in each round under load: an immediate restart, and one that takes a second.</summary>
    private static readonly TimeSpan[] Downtimes = [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.Zero];

    /// <summary>How long a silo is given to answer a request it must eventually answer 2xx.</summary>
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Restarts_of_PostgreSQL_under_donation_load_lose_no_acknowledged_donation_and_every_silo_recovers_within_seconds()
    {
        var api = deployment.Api();
        var scene = await SceneAsync(api, Budget);
        var load = new DonationLoad(deployment.Client, scene.PartnerKey, scene.Projects, donors: 300, seed: 20);

        // A quiet cluster first: every pooled connection sat idle across the restart, so the first
        // donation and the first admin write on each silo are what meets them.
        var quiet = await RestartAndMeasureAsync(0, TimeSpan.Zero, load, scene);
        output.WriteLine(quiet.ToString());
        Assert.True(quiet.Silos.All(s => s.DonationAttempts == 1 && s.AdminAttempts == 1),
            $"on a quiet cluster the first donation and the first admin write after the restart must succeed at once on every silo: {quiet}");

        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(workers: 8, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var rounds = new List<RoundResult>();
        for (var round = 1; round <= Downtimes.Length; round++)
        {
            rounds.Add(await RestartAndMeasureAsync(round, Downtimes[round - 1], load, scene));
            await Task.Delay(TimeSpan.FromSeconds(1.5));
        }
        await stop.CancelAsync();
        await running;
        var unanswered = load.Unknown.Count;
        await load.SettleAsync(TimeSpan.FromSeconds(90));

        foreach (var round in rounds)
        {
            var firstAck = load.AckTimestamps.Where(t => t > round.AcceptingAt).DefaultIfEmpty(long.MaxValue).Min();
            output.WriteLine($"{round}; the load's first acknowledgement after it: {Ms(round.AcceptingAt, firstAck)}");
        }
        output.WriteLine($"{load.Acknowledged.Count} donations acknowledged of {load.Sent} sent; {unanswered} unanswered when the load stopped, settled by retries with the same ids");
        var scrapes = await SiloMetrics.ScrapeAllAsync(deployment);
        foreach (var sample in scrapes.SelectMany(s => s.Find("charityday_storage_errors_total").Concat(s.Find("charityday_storage_retries_total")))
                     .GroupBy(s => s.ToString().Split(' ')[0]).Select(g => $"{g.Key} {g.Sum(s => s.Value)}").Order())
        {
            output.WriteLine(sample);
        }

        foreach (var host in deployment.Hosts)
        {
            var warnings = host.Output.Split('\n').Where(l => l.Contains("Storage operation", StringComparison.Ordinal)).ToList();
            output.WriteLine($"{host.Name}: {warnings.Count} storage warning lines, the first: {warnings.FirstOrDefault()}");
        }
        Assert.True(load.Unknown.IsEmpty, $"{load.Unknown.Count} donations never got an answer after retries");
        Assert.True(load.Acknowledged.Count > 100, $"only {load.Acknowledged.Count} donations went through");
        foreach (var round in rounds.Prepend(quiet))
        {
            Assert.True(round.Slowest <= RecoveryBound, $"a silo took longer than {RecoveryBound.TotalSeconds} s to serve again: {round}");
        }
        // An SRE sees the restart: the silos counted the connections it broke.
        Assert.True(scrapes.Sum(s => s.Find("charityday_storage_errors_total", ("kind", "connection")).Sum(x => x.Value)) > 0,
            "no silo counted a storage error of kind connection across three database restarts under load");

        await LedgerAudit.VerifyAsync(api, scene.PartnerKey, scene.CampaignId, scene.PoolId, Budget, PerDonorDailyCap, load.Acknowledged);
    }

    /// <summary>
    /// The manager's side of issue 20: a top-up sent while the database restarts, answered 503, retried
    /// with the same Idempotency-Key until it is answered 2xx, must raise the budget exactly once. It
    /// fails on main before idempotent admin writes (the top-up was applied twice).
    /// </summary>
    [Fact]
    public async Task A_top_up_retried_with_its_Idempotency_Key_across_database_restarts_raises_the_budget_exactly_once_each()
    {
        var api = deployment.Api();
        const long budget = 10_000_000;
        var scene = await SceneAsync(api, budget);
        var load = new DonationLoad(deployment.Client, scene.PartnerKey, scene.Projects, donors: 300, seed: 21);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(workers: 8, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(1));

        var answered = 0;
        var attempts = new List<int>();
        for (var round = 1; round <= 3; round++)
        {
            var idempotencyKey = ApiClient.NewId($"topup-r{round}");
            // Sent as the database goes down and retried through its restart: some attempts meet a
            // dead connection, some a COMMIT whose outcome the silo cannot know.
            var stopped = deployment.Database.StopImmediateAsync();
            var topUp = TopUpUntilAnsweredAsync(scene.PoolId, idempotencyKey);
            await stopped;
            await deployment.Database.StartAsync();
            var (code, tries) = await topUp;
            Assert.True(code is >= 200 and < 300, $"round {round}: the top-up was never answered 2xx (last {code})");
            answered++;
            attempts.Add(tries);
            // The same key again, answered: the first outcome comes back, and nothing changes.
            var (again, _) = await TopUpUntilAnsweredAsync(scene.PoolId, idempotencyKey);
            Assert.True(again is >= 200 and < 300, $"round {round}: the replay of an answered top-up was {again}");
        }
        await stop.CancelAsync();
        await running;
        await load.SettleAsync(TimeSpan.FromSeconds(60));

        var pool = await api.GetPoolAsync(scene.PoolId);
        ApiClient.Ensure(pool, 200);
        output.WriteLine($"attempts per answered top-up: {string.Join(", ", attempts)}");
        Assert.True(budget + (answered * TopUpFen) == pool.Long("budget"),
            $"budget: expected {budget} + {answered} × {TopUpFen} = {budget + (answered * TopUpFen)} (each answered top-up once), actual {pool.Long("budget")}");
        Assert.True(load.Unknown.IsEmpty, $"{load.Unknown.Count} donations never got an answer after retries");
    }

    /// <param name="ProbePools">One paused pool per silo for its admin write (a manager per pool, as on the day: three
    /// silos patching one pool at the same instant would time their contention, not the recovery).</param>
    private sealed record Scene(string CampaignId, IReadOnlyList<string> Projects, string PoolId, string PartnerKey, IReadOnlyList<string> ProbePools);

    private static async Task<Scene> SceneAsync(ApiClient api, long budget)
    {
        var campaign = await api.CreateCampaignAsync();
        var projects = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            projects.Add(await api.CreateProjectAsync(campaign));
        }
        var pool = await api.CreatePoolAsync(campaign, new() { ["budget"] = budget, ["ratioBps"] = 10000, ["perDonorDailyCap"] = PerDonorDailyCap });
        var (_, key) = await api.CreatePartnerAsync();
        var probePools = new List<string>();
        for (var i = 0; i < PostgresClusterDeployment.SiloCount; i++)
        {
            probePools.Add(await api.CreatePoolAsync(campaign, new() { ["budget"] = 1_000L, ["paused"] = true }));
        }
        return new Scene(campaign, projects, pool, key, probePools);
    }

    private sealed record SiloRecovery(string Silo, TimeSpan Donation, int DonationAttempts, TimeSpan AdminWrite, int AdminAttempts)
    {
        public TimeSpan Served => Donation > AdminWrite ? Donation : AdminWrite;

        public override string ToString() =>
            $"{Silo}: donation {Donation.TotalMilliseconds:F0} ms ({DonationAttempts} attempts), admin write {AdminWrite.TotalMilliseconds:F0} ms ({AdminAttempts} attempts)";
    }

    private sealed record RoundResult(int Round, TimeSpan Downtime, TimeSpan StopToAccepting, long AcceptingAt, IReadOnlyList<SiloRecovery> Silos)
    {
        public TimeSpan Slowest => Silos.Max(s => s.Served);

        public override string ToString() =>
            $"round {Round} ({(Round == 0 ? "quiet" : "under load")}, held down {Downtime.TotalSeconds:F0} s): stop to accepting {StopToAccepting.TotalMilliseconds:F0} ms; " +
            $"from accepting to every silo serving {Slowest.TotalMilliseconds:F0} ms [{string.Join("; ", Silos)}]";
    }

    /// <summary>
    /// Stops the database hard, keeps it down for <paramref name="downtime"/>, starts it, and times each
    /// silo from the first accepted connection to its first 2xx for a new donation and for an admin
    /// write (a PATCH of the silo's paused probe pool that changes nothing the matching sees: a write
    /// of the pool grain, the matching authority and the audit log). Both are retried, with the same
    /// ids, until answered.
    /// </summary>
    private async Task<RoundResult> RestartAndMeasureAsync(int round, TimeSpan downtime, DonationLoad load, Scene scene)
    {
        var stoppedAt = Stopwatch.GetTimestamp();
        await deployment.Database.StopImmediateAsync();
        if (downtime > TimeSpan.Zero)
        {
            await Task.Delay(downtime);
        }
        await deployment.Database.StartAsync();
        var acceptingAt = Stopwatch.GetTimestamp();
        var silos = await Task.WhenAll(deployment.Hosts.Select(async (host, i) =>
        {
            using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
            var donation = new SentDonation($"probe-r{round}-s{i}", scene.Projects[0], $"probe-donor-r{round}-s{i}", 100);
            var donationTask = UntilAsync(() => load.TryOnceAsync(donation, http));
            var adminTask = UntilAsync(async () => (await deployment.Api().SendAsync(HttpMethod.Patch, $"/v1/admin/pools/{scene.ProbePools[i]}",
                new { paused = true }, Deployment.ManagerKey, http)).Code == 200);
            var (donationAt, donationAttempts) = await donationTask;
            var (adminAt, adminAttempts) = await adminTask;
            return new SiloRecovery(host.Name, Stopwatch.GetElapsedTime(acceptingAt, donationAt), donationAttempts,
                Stopwatch.GetElapsedTime(acceptingAt, adminAt), adminAttempts);
        }));
        return new RoundResult(round, downtime, Stopwatch.GetElapsedTime(stoppedAt, acceptingAt), acceptingAt, silos);
    }

    /// <summary>Tries every 10 ms until <paramref name="attempt"/> succeeds; returns when, and after how many tries.</summary>
    private static async Task<(long At, int Attempts)> UntilAsync(Func<Task<bool>> attempt)
    {
        var started = Stopwatch.StartNew();
        for (var tries = 1; ; tries++)
        {
            bool ok;
            try
            {
                ok = await attempt();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                ok = false;
            }
            if (ok)
            {
                return (Stopwatch.GetTimestamp(), tries);
            }
            Assert.True(started.Elapsed < GiveUpAfter, $"no 2xx after {tries} tries in {started.Elapsed}");
            await Task.Delay(10);
        }
    }

    /// <summary>PATCH budgetDelta with an Idempotency-Key, retried with the same key on 503 and on no answer.</summary>
    private async Task<(int Code, int Attempts)> TopUpUntilAnsweredAsync(string poolId, string idempotencyKey)
    {
        var (response, tries) = await SendUntilAnsweredAsync(HttpMethod.Patch, $"/v1/admin/pools/{poolId}", JsonSerializer.Serialize(new { budgetDelta = TopUpFen }), idempotencyKey);
        return (response.Code, tries);
    }

    /// <summary>An admin write sent with its Idempotency-Key and retried while the answer is 503 or none.</summary>
    private async Task<(ApiResponse Response, int Attempts)> SendUntilAnsweredAsync(HttpMethod method, string path, string body, string idempotencyKey)
    {
        var started = Stopwatch.StartNew();
        for (var tries = 1; ; tries++)
        {
            try
            {
                using var request = new HttpRequestMessage(method, path)
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Deployment.ManagerKey);
                request.Headers.Add("Idempotency-Key", idempotencyKey);
                var response = await deployment.Api().SendRawAsync(request);
                if (response.Code != 503)
                {
                    if (response.Code >= 300)
                    {
                        // What the silos said about it: the answer and their unhandled errors.
                        output.WriteLine($"{method} {path} answered {response}");
                        foreach (var host in deployment.Hosts)
                        {
                            foreach (var line in host.Output.Split('\n').Where(l => l.Contains("Unhandled", StringComparison.Ordinal)).Take(5))
                            {
                                output.WriteLine($"{host.Name}: {line}");
                            }
                        }
                    }
                    return (response, tries);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            Assert.True(started.Elapsed < GiveUpAfter, $"{method} {path} ({idempotencyKey}): no answer but 503 after {tries} tries in {started.Elapsed}");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Every kind of admin write (PUT of a campaign, a project, a pool, a partner; a key's creation and
    /// revocation), sent as the database goes down and retried with its Idempotency-Key until answered:
    /// each is applied exactly once — its state reads back as answered and its audit log holds one entry.
    /// </summary>
    [Fact]
    public async Task Every_kind_of_admin_write_retried_with_its_key_across_a_restart_applies_exactly_once()
    {
        var api = deployment.Api();
        var scene = await SceneAsync(api, 1_000_000);
        var partner = ApiClient.NewId("partner");
        var key = await api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "viewer" });
        ApiClient.Ensure(key, 201);
        var keyId = key["keyId"].GetValue<string>();
        var writes = new (HttpMethod Method, string Path, object Body, string Action, string Target)[]
        {
            (HttpMethod.Put, $"/v1/admin/campaigns/{scene.CampaignId}", new { name = "Renamed during a restart" }, "campaign.replace", $"campaign/{scene.CampaignId}"),
            (HttpMethod.Put, $"/v1/admin/projects/{scene.Projects[0]}", new { campaignId = scene.CampaignId, name = "Renamed project" }, "project.replace", $"project/{scene.Projects[0]}"),
            (HttpMethod.Put, $"/v1/admin/pools/{scene.ProbePools[0]}", new { campaignId = scene.CampaignId, sponsor = "Replaced", budget = 4_242 }, "pool.replace", $"pool/{scene.ProbePools[0]}"),
            (HttpMethod.Patch, $"/v1/admin/pools/{scene.PoolId}", new { budgetDelta = TopUpFen }, "pool.patch", $"pool/{scene.PoolId}"),
            (HttpMethod.Put, $"/v1/admin/partners/{partner}", new { name = "Partner made during a restart" }, "partner.create", $"partner/{partner}"),
            (HttpMethod.Delete, $"/v1/admin/keys/{keyId}", new { }, "key.revoke", $"key/{keyId}"),
        };

        var stopped = deployment.Database.StopImmediateAsync();
        var sent = writes.Select(w => SendUntilAnsweredAsync(w.Method, w.Path, JsonSerializer.Serialize(w.Body), ApiClient.NewId("admin"))).ToList();
        await stopped;
        await deployment.Database.StartAsync();
        var answers = await Task.WhenAll(sent);
        for (var i = 0; i < writes.Length; i++)
        {
            Assert.True(answers[i].Response.Code is >= 200 and < 300, $"{writes[i].Method} {writes[i].Path}: {answers[i].Response}");
        }

        var audit = await api.AuditAsync();
        foreach (var write in writes)
        {
            var entries = audit.Items.Count(e => e["action"]!.GetValue<string>() == write.Action && e["target"]!.GetValue<string>() == write.Target);
            Assert.True(entries == 1, $"{write.Action} {write.Target}: {entries} audit entries (exactly one expected)");
        }
        Assert.Equal("Renamed during a restart", (await api.Manager(HttpMethod.Get, $"/v1/admin/campaigns/{scene.CampaignId}"))["name"].GetValue<string>());
        Assert.Equal("Renamed project", (await api.Manager(HttpMethod.Get, $"/v1/admin/projects/{scene.Projects[0]}"))["name"].GetValue<string>());
        Assert.Equal(4_242, (await api.GetPoolAsync(scene.ProbePools[0])).Long("budget"));
        Assert.Equal(1_000_000 + TopUpFen, (await api.GetPoolAsync(scene.PoolId)).Long("budget"));
        Assert.Equal(200, (await api.Manager(HttpMethod.Get, $"/v1/admin/partners/{partner}")).Code);
        Assert.Equal(401, (await api.SendAsync(HttpMethod.Get, "/v1/admin/audit/head", key: key["secret"].GetValue<string>())).Code);
    }

    private static string Ms(long from, long to) => to == long.MaxValue ? "none" : $"{Stopwatch.GetElapsedTime(from, to).TotalMilliseconds:F0} ms";
}
