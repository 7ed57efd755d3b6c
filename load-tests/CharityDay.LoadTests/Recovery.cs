using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CharityDay.LoadTests;

/// <summary>The <c>recovery</c> command's own settings: when the host was killed, the probe rhythm, the bench JSON to check against.</summary>
/// <remarks>
/// With <c>KilledAtFile</c> the command is started before the kill: it warms its HTTP clients up on the live host,
/// prints <c>recovery: armed</c>, and waits for the file to hold the kill's time, so that its own start-up (a second
/// or more on a busy machine) is not in the figures.
/// </remarks>
internal sealed record RecoverySettings(long? KilledAtMs, string? KilledAtFile, TimeSpan Every, TimeSpan GiveUp, long Amount, string? BenchPath);

/// <summary>
/// Times after <see cref="RecoverySettings.KilledAtMs"/>, in seconds. <c>FirstAccepted</c> is when the answer of the
/// first 201 arrived, <c>FirstAcceptedSent</c> when that donation had been sent; <c>FirstAnswer</c> is the first HTTP
/// answer of any status (the restarted host listens).
/// </summary>
internal sealed record RecoveryReport(
    string? Label,
    string CampaignId,
    long KilledAtMs,
    double? ReadySeconds,
    double? FirstAnswerSeconds,
    double? FirstAcceptedSeconds,
    double? FirstAcceptedSentSeconds,
    int Probes,
    IReadOnlyDictionary<string, int> Outcomes,
    long ProbesAccepted,
    long LateAccepted,
    long NotAccepted,
    long StillUnknown,
    long ExpectedDonations,
    long ExpectedRaisedFen,
    long ExpectedMatchedFen,
    IReadOnlyList<CheckResult> Checks,
    bool Passed);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(RecoveryReport))]
internal sealed partial class RecoveryJson : JsonSerializerContext;

/// <summary>
/// After a kill -9 and an immediate restart (scenarios/day.sh): posts one fresh donation (new id, new donor) every
/// <see cref="RecoverySettings.Every"/> without waiting for the previous answer, until one is answered 201, and polls
/// <c>/health/ready</c> alongside; both are timed from the kill. Then, like <c>bench</c>'s end of run, it looks up the
/// probes whose outcome is unknown and checks the campaign against what the load before the kill had acknowledged
/// (its bench JSON) plus the probes accepted now: exact totals after the crash.
/// </summary>
internal static class Recovery
{
    public static async Task<int> RunAsync(BenchOptions options, TargetFile file, RecoverySettings settings, CancellationToken ct)
    {
        options = file.Apply(options);
        var target = file.ToBenchTarget();
        var c = CultureInfo.InvariantCulture;

        using var http = new HttpClients(options);
        using var partner = http.CreatePartner(options.Url, file.PartnerKey, options.RequestTimeout);
        long killedAtMs;
        if (settings.KilledAtMs is { } given)
        {
            killedAtMs = given;
        }
        else if (settings.KilledAtFile is { } killFile)
        {
            killedAtMs = await ArmAsync(http, partner, file, killFile, ct);
        }
        else
        {
            await Console.Error.WriteLineAsync("--since-ms or --since-file is required");
            return 2;
        }

        // The kill's time is wall-clock (from the script); from here on a monotonic clock measures.
        var t0 = Stopwatch.GetTimestamp();
        var offsetMs = (double)(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - killedAtMs);
        double Since() => Math.Round((offsetMs + Stopwatch.GetElapsedTime(t0).TotalMilliseconds) / 1000.0, 3);
        Console.WriteLine(string.Create(c, $"recovery {file.CampaignId} at {options.Url}: started {Since():0.000} s after the kill; a donation every {settings.Every.TotalMilliseconds:0} ms until one is accepted (give up at {settings.GiveUp.TotalSeconds:0} s)"));

        // Every probe is a new donor, so with a bench run of unique donors its match is known too.
        JsonElement? bench = null;
        if (settings.BenchPath is { } benchPath)
        {
            using var doc = JsonDocument.Parse(await File.ReadAllBytesAsync(benchPath, ct));
            bench = doc.RootElement.Clone();
        }

        long BenchLong(string name) =>
            bench is { } b && b.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;
        var benchChecksMatch = bench is { } be && be.TryGetProperty("expectedMatchedFen", out var em) && em.ValueKind == JsonValueKind.Number;
        var cap = benchChecksMatch ? (options with { UniqueDonors = true }).UniqueDonorMatchCap : null;

        var probes = new WorkerStats { Acks = null, MatchCap = cap };
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var gate = new Lock();
        double? firstAnswer = null, firstAcceptedSent = null;
        var firstAccepted = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var tag = Random.Shared.Next(0x10000).ToString("x4", c);

        async Task ProbeAsync(int n)
        {
            var donation = new DonationRequest(
                string.Create(c, $"{file.CampaignId}-probe-{tag}-{n}"),
                string.Create(c, $"{file.ProjectPrefix}{n % file.Projects:D5}"),
                string.Create(c, $"probe-{tag}-{n}"),
                settings.Amount);
            var sent = Since();
            string outcome;
            try
            {
                using var content = HttpJson.Content(donation, WireJson.Default.DonationRequest);
                using var response = await partner.PostAsync("v1/donations", content, CancellationToken.None);
                var body = await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
                var at = Since();
                var code = (int)response.StatusCode;
                outcome = code.ToString(c);
                DonationResponse? answer = null;
                var parsed = true;
                if (code is >= 200 and < 300)
                {
                    try
                    {
                        answer = body.Length == 0 ? null : JsonSerializer.Deserialize(body, WireJson.Default.DonationResponse);
                    }
                    catch (JsonException)
                    {
                        parsed = false;
                    }
                }

                lock (gate)
                {
                    firstAnswer ??= at;
                    if (code is >= 200 and < 300 && parsed)
                    {
                        probes.Accept(donation.Amount, answer?.MatchedTotal ?? 0);
                        if (code == 201 && firstAccepted.TrySetResult(at))
                        {
                            firstAcceptedSent = sent;
                        }
                    }
                    else if (code is 408 or >= 500 or (>= 200 and < 300))
                    {
                        probes.Unresolved.Add(donation); // it may have been accepted (or was, unreadably): looked up below
                    }
                    else
                    {
                        probes.Rejected++;
                    }
                }
            }
            catch (TaskCanceledException)
            {
                outcome = "timeout";
                lock (gate)
                {
                    probes.Unresolved.Add(donation);
                }
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
            {
                outcome = "no connection"; // never reached the host: certainly not accepted
            }
            catch (HttpRequestException)
            {
                outcome = "transport";
                lock (gate)
                {
                    probes.Unresolved.Add(donation);
                }
            }

            lock (gate)
            {
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
        }

        using var stopReady = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var ready = PollReadyAsync(http.Public, settings.Every, Since, stopReady.Token);
        var inFlight = new List<Task>();
        var giveUpSeconds = settings.GiveUp.TotalSeconds;
        var next = 0;
        while (!firstAccepted.Task.IsCompleted && Since() < giveUpSeconds && !ct.IsCancellationRequested)
        {
            inFlight.Add(ProbeAsync(next++));
            await Task.WhenAny(firstAccepted.Task, Task.Delay(settings.Every, CancellationToken.None));
        }

        // Readiness normally comes first; if it has not, it still has until the give-up time.
        var readyLeft = TimeSpan.FromSeconds(Math.Max(0, giveUpSeconds - Since()));
        await Task.WhenAny(ready, Task.Delay(readyLeft, CancellationToken.None));
        await stopReady.CancelAsync();
        var readyAt = await ready;
        await Task.WhenAll(inFlight);
        double? acceptedAt = firstAccepted.Task.IsCompletedSuccessfully ? firstAccepted.Task.Result : null;
        Console.WriteLine(string.Create(c,
            $"  kill -> ready {(readyAt is { } r ? $"{r:0.000} s" : "never")}, first answer {(firstAnswer is { } fa ? $"{fa:0.000} s" : "never")}, first 201 {(acceptedAt is { } a ? $"{a:0.000} s (sent at {firstAcceptedSent:0.000} s)" : "never")}; {next} probes: {string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}"))}"));

        var (late, notAccepted, unknown) = await Reconcile.RunAsync(partner, http.Public, file.CampaignId,
            options.RequestTimeout + options.VerifyTimeout, probes, CancellationToken.None);

        var checks = new List<CheckResult>
        {
            new("a new donation was accepted (201) after the restart", acceptedAt is not null,
                $"within {settings.GiveUp.TotalSeconds:0} s of the kill", acceptedAt is { } x ? string.Create(c, $"{x:0.000} s after the kill") : "none"),
        };

        // What the campaign must hold: the load before the kill plus the probes accepted now.
        var totals = new WorkerStats { Acks = null, MatchCap = cap };
        totals.Accepted = BenchLong("donationsAccepted") + probes.Accepted;
        totals.AcceptedAmount = BenchLong("acceptedAmountFen") + probes.AcceptedAmount;
        totals.MatchedTotal = BenchLong("matchedTotalFen") + probes.MatchedTotal;
        totals.ExpectedMatched = BenchLong("expectedMatchedFen") + probes.ExpectedMatched;
        totals.MatchMismatches = BenchLong("matchMismatches") + probes.MatchMismatches;
        totals.MismatchSample = probes.MismatchSample;
        if (bench is not null)
        {
            var run = new RunResult(totals, TimeSpan.Zero, late, notAccepted, BenchLong("unknownOutcomes") + unknown);
            var (verified, _) = await Verify.RunAsync(options, target, run, http, null, null, CancellationToken.None);
            checks.AddRange(verified);
        }
        else
        {
            Console.WriteLine("  no --bench: totals not verified");
        }

        Report.PrintChecks(checks);
        var passed = checks.All(k => k.Passed);
        if (options.JsonPath is { } jsonPath)
        {
            var report = new RecoveryReport(options.Label, file.CampaignId, killedAtMs, readyAt, firstAnswer, acceptedAt, firstAcceptedSent,
                next, new SortedDictionary<string, int>(outcomes, StringComparer.Ordinal), probes.Accepted, late, notAccepted, unknown,
                totals.Accepted, totals.AcceptedAmount, cap is null ? totals.MatchedTotal : totals.ExpectedMatched, checks, passed);
            await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(report, RecoveryJson.Default.RecoveryReport), CancellationToken.None);
        }

        return passed ? 0 : 1;
    }

    /// <summary>
    /// Before the kill: one GET through each client (a public one, and a partner lookup of an id that does not exist: 404,
    /// nothing written), so that the probes after the kill run compiled code; then waits for the kill's time in the file.
    /// </summary>
    private static async Task<long> ArmAsync(HttpClients http, HttpClient partner, TargetFile file, string killFile, CancellationToken ct)
    {
        foreach (var (client, path) in new[] { (http.Public, "health/live"), (partner, $"v1/donations/{file.CampaignId}-probe-warm-up") })
        {
            try
            {
                using var response = await client.GetAsync(path, ct);
                await response.Content.ReadAsByteArrayAsync(ct);
            }
            catch (HttpRequestException)
            {
            }
        }

        Console.WriteLine("recovery: armed");
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (File.Exists(killFile)
                && long.TryParse((await File.ReadAllTextAsync(killFile, ct)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            {
                return ms;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(2), ct);
        }
    }

    /// <summary>GET /health/ready every <paramref name="every"/> (each try at most 2 s) until it answers 200: when, after the kill.</summary>
    private static async Task<double?> PollReadyAsync(HttpClient client, TimeSpan every, Func<double> since, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop);
                attempt.CancelAfter(TimeSpan.FromSeconds(2));
                using var response = await client.GetAsync("health/ready", attempt.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return since();
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            try
            {
                await Task.Delay(every, stop);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        return null;
    }
}
