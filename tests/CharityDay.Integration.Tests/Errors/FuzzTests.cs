using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CharityDay.Integration.Tests.Errors.Fuzzing;
using CharityDay.Integration.Tests.Infrastructure;
using CsCheck;
using Xunit.Abstractions;

namespace CharityDay.Integration.Tests.Errors;

/// <summary>
/// SPEC §3 invariant 5 under a seeded flood of bad input: thousands of generated requests to every
/// endpoint, each certainly wrong (see <see cref="BadRequests"/>). Every answer must be a 4xx
/// problem+json that names a field (a batch: every item), never a 2xx or a 5xx, and at the end
/// every total, setting, donation and the audit log must be exactly as before.
/// </summary>
/// <remarks>
/// Replay: the run prints its seed; <c>CHARITYDAY_FUZZ_SEED=&lt;seed&gt;</c> regenerates the same
/// requests (case i from its own stream, so the order they are sent in does not matter),
/// <c>CHARITYDAY_FUZZ_CASE=&lt;i&gt;</c> sends only case i, <c>CHARITYDAY_FUZZ_ITERATIONS</c> sets
/// how many (default <see cref="DefaultIterations"/>, well under a minute here).
/// </remarks>
[Collection(EmbeddedCollection.Name)]
public sealed class FuzzTests(EmbeddedDeployment deployment, ITestOutputHelper output)
{
    public const int DefaultIterations = 10_000;

    /// <summary>Requests in flight at once: enough to keep the host busy, few enough for a shared 2-core machine.</summary>
    private const int Concurrency = 4;

    private const int MaxReportedFailures = 10;

    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task Thousands_of_bad_requests_each_get_a_4xx_problem_naming_a_field_and_leave_no_trace()
    {
        var seed = Environment.GetEnvironmentVariable("CHARITYDAY_FUZZ_SEED") is { Length: > 0 } given
            ? ParseSeed(given)
            : (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);
        var iterations = Environment.GetEnvironmentVariable("CHARITYDAY_FUZZ_ITERATIONS") is { Length: > 0 } count
            ? int.Parse(count, CultureInfo.InvariantCulture)
            : DefaultIterations;
        int[] cases = Environment.GetEnvironmentVariable("CHARITYDAY_FUZZ_CASE") is { Length: > 0 } one
            ? [int.Parse(one, CultureInfo.InvariantCulture)]
            : [.. Enumerable.Range(0, iterations)];
        var replay = $"CHARITYDAY_FUZZ_SEED={seed} CHARITYDAY_FUZZ_ITERATIONS={iterations}";
        output.WriteLine($"fuzz seed {seed}: {cases.Length} requests; replay with {replay}");

        var world = await WorldAsync();
        var requests = BadRequests.Any(world);
        var before = await SnapshotAsync(world);
        var loggedBefore = LoggedErrors();

        var statuses = new ConcurrentDictionary<int, int>();
        var endpoints = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<(int Case, string What)>();
        var serverErrors = 0;
        var batchItems = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (i, _) =>
        {
            var request = requests.Generate(new PCG((uint)i, seed), null, out Size _);
            endpoints.AddOrUpdate(request.Endpoint, 1, (_, n) => n + 1);
            ApiResponse response;
            try
            {
                response = await SendAsync(request, world);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                failures.Enqueue((i, $"no answer ({e.GetType().Name}: {e.Message})\n    request: {request}"));
                return;
            }
            statuses.AddOrUpdate(response.Code, 1, (_, n) => n + 1);
            if (response.Code >= 500)
            {
                Interlocked.Increment(ref serverErrors);
            }
            var (problem, items) = Judge(request, response);
            Interlocked.Add(ref batchItems, items);
            if (problem is not null)
            {
                failures.Enqueue((i, $"{problem}\n    request: {request}\n    answer: {response.Code} {Clip(response.Body)}"));
            }
        });
        clock.Stop();
        var after = await SnapshotAsync(world);
        // An exception the host caught and logged is a bug even when the answer was a tidy 4xx.
        var logged = LoggedErrors().Skip(loggedBefore.Count).ToList();

        output.WriteLine($"{cases.Length} requests ({batchItems} batch items) in {clock.Elapsed.TotalSeconds:F1} s; 5xx: {serverErrors}; failures: {failures.Count}; "
            + $"errors logged: {logged.Count}; state changed: {before != after}");
        output.WriteLine("by status: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        output.WriteLine("by endpoint: " + string.Join(", ", endpoints.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}×{e.Value}")));

        var reported = failures.OrderBy(f => f.Case).Take(MaxReportedFailures).Select(f => $"case {f.Case}: {f.What}");
        Assert.True(failures.IsEmpty,
            $"{failures.Count} of {cases.Length} bad requests were not answered as SPEC §4 asks (seed {seed}; replay one with {replay} CHARITYDAY_FUZZ_CASE=<case>):\n"
            + string.Join("\n", reported));
        Assert.True(logged.Count == 0, $"the host logged {logged.Count} errors while answering bad requests (seed {seed}):\n" + string.Join("\n", logged.Take(3).Select(Clip)));
        Assert.True(before == after,
            $"bad requests left a trace (seed {seed}; replay with {replay}):\n--- before\n{before}\n--- after\n{after}");
    }

    /// <summary>What is wrong with the answer to a certainly-bad request, if anything; and how many batch items it judged.</summary>
    private static (string? Problem, int Items) Judge(FuzzRequest request, ApiResponse response)
    {
        if (request.Endpoint == "batch" && response.Code == 200)
        {
            if (response.Json?["results"] is not JsonArray results)
            {
                return ("a batch answered 200 without results", 0);
            }
            foreach (var result in results)
            {
                var status = result?["status"]?.GetValue<int>() ?? 0;
                if (status is < 400 or >= 500 || result!["error"] is not JsonObject error || NamedField(error, status) is { } wrong)
                {
                    return ($"batch item {result?["index"]} was answered {status}, not a 4xx problem naming a field", results.Count);
                }
            }
            return (null, results.Count);
        }
        if (response.Code >= 500)
        {
            return ($"server error {response.Code}", 0);
        }
        if (response.Code < 400)
        {
            return ($"a bad request was accepted ({response.Code})", 0);
        }
        if (response.Code is 401 or 403 or 405 or 429)
        {
            // The fuzzer sends good keys to real routes, well under the partner's rate limit.
            return ($"{response.Code} is not about the input", 0);
        }
        if (response.ContentType != "application/problem+json" || response.Json is not JsonObject problem)
        {
            return ($"a {response.Code} that is not application/problem+json ({response.ContentType})", 0);
        }
        return (NamedField(problem, response.Code), 0);
    }

    /// <summary>RFC 9457 with a stable type, the status echoed, and (SPEC §3 invariant 5) the offending field in <c>field</c> and <c>errors</c>.</summary>
    private static string? NamedField(JsonObject problem, int status)
    {
        if (problem["type"]?.GetValue<string>() is not { } type || !type.StartsWith(Problems.TypeBase, StringComparison.Ordinal))
        {
            return "the problem has no stable type";
        }
        if (string.IsNullOrWhiteSpace(problem["title"]?.GetValue<string>()) || problem["status"]?.GetValue<int>() != status)
        {
            return "the problem has no title or does not echo its status";
        }
        if (problem["field"]?.GetValue<string>() is not { } field || problem["errors"] is not JsonObject errors || !errors.ContainsKey(field))
        {
            return "the problem names no field";
        }
        return null;
    }

    private async Task<ApiResponse> SendAsync(FuzzRequest fuzz, FuzzWorld world)
    {
        var request = new HttpRequestMessage(fuzz.Method, fuzz.Path);
        if (fuzz.Body is not null)
        {
            request.Content = new ByteArrayContent(fuzz.Body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fuzz.Partner ? _partnerKey : Deployment.ManagerKey);
        return await _api.SendRawAsync(request);
    }

    private string _partnerKey = "";

    /// <summary>A campaign with a project, a pool that has matched, a partner allowed far more than the fuzzer sends, and one accepted donation.</summary>
    private async Task<FuzzWorld> WorldAsync()
    {
        var campaign = await _api.CreateCampaignAsync();
        var project = await _api.CreateProjectAsync(campaign);
        var pool = await _api.CreatePoolAsync(campaign, new() { ["budget"] = 100_000L, ["perDonorDailyCap"] = 1_000L });
        var (partnerId, key) = await _api.CreatePartnerAsync();
        ApiClient.Ensure(await _api.Manager(HttpMethod.Put, $"/v1/admin/partners/{partnerId}", new { name = "Fuzz partner", rateLimit = 10_000_000 }), 200);
        _partnerKey = key;
        var donation = ApiClient.NewId("d");
        ApiClient.Ensure(await _api.DonateAsync(key, donation, project, "fuzz-donor", 500), 201);
        return new FuzzWorld(campaign, project, pool, partnerId, donation, ApiClient.NewId("fz"));
    }

    /// <summary>Everything a bad request could have touched, read fresh: the world's settings and totals, the ids it aimed at, the audit log.</summary>
    private Task<string> SnapshotAsync(FuzzWorld w)
    {
        string[] admin =
        [
            $"/v1/admin/campaigns/{w.Campaign}", $"/v1/admin/projects/{w.Project}", $"/v1/admin/pools/{w.Pool}",
            .. w.Unknown("c").Select(id => $"/v1/admin/campaigns/{id}"), .. w.Unknown("p").Select(id => $"/v1/admin/projects/{id}"),
            .. w.Unknown("pool").Select(id => $"/v1/admin/pools/{id}"),
        ];
        (string, string?)[] reads =
        [
            ($"/v1/projects/{w.Project}", null), ($"/v1/campaigns/{w.Campaign}/leaderboard", null),
            .. w.Unknown("p").Select(id => ($"/v1/projects/{id}", (string?)null)), .. w.Unknown("c").Select(id => ($"/v1/campaigns/{id}", (string?)null)),
            .. new[] { w.Donation }.Concat(w.Unknown("d")).Select(id => ($"/v1/donations/{id}", (string?)_partnerKey)),
        ];
        return StateSnapshot.TakeAsync(_api, w.Campaign, admin, reads);
    }

    /// <summary>The host's log lines at Error or above (it logs JSON lines), so far.</summary>
    private List<string> LoggedErrors() =>
        [.. deployment.Hosts.SelectMany(h => h.Output.Split('\n'))
            .Where(line => line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal) || line.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal))];

    private static ulong ParseSeed(string text) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.Parse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : ulong.Parse(text, CultureInfo.InvariantCulture);

    private static string Clip(string text) => text.Length > 400 ? text[..400] + "…" : text;
}
