using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CharityDay.LoadTests;

/// <summary>
/// A campaign set up ahead of the load by the <c>setup</c> command, for load driven by another client
/// (wrk, scenario g) or with side load that must know the ids first (scenario f's readers). Project ids
/// follow a pattern so that a wrk Lua script can draw them: <c>{ProjectPrefix}{i:D5}</c> for i &lt;
/// <c>Projects</c>, and the hub's sub-projects <c>{HubChildPrefix}{i:D5}</c> for i &lt; <c>HubChildren</c>.
/// </summary>
internal sealed record TargetFile(
    string Url,
    string CampaignId,
    string ProjectPrefix,
    int Projects,
    string? HubId,
    string? HubChildPrefix,
    int HubChildren,
    string? PoolId,
    long PoolBudget,
    long PoolDonorDailyCap,
    string PartnerId,
    string PartnerKeyId,
    string PartnerKey,
    int Donors,
    long MinAmount,
    long MaxAmount,
    long PoolDonationCap = 0)
{
    public static TargetFile From(BenchOptions o, BenchTarget t) => new(
        o.Url.ToString(), t.CampaignId, Setup.ProjectPrefix(t.CampaignId), t.ProjectIds.Count,
        o.HubChildren > 0 ? Setup.HubId(t.CampaignId) : null, o.HubChildren > 0 ? Setup.HubChildPrefix(t.CampaignId) : null, o.HubChildren,
        t.PoolId, t.PoolBudget, o.PoolDonorDailyCap, t.PartnerId, t.PartnerKeyId, t.PartnerSecret, o.Donors, o.MinAmount, o.MaxAmount,
        o.PoolDonationCap);

    public static async Task<TargetFile> LoadAsync(string path)
    {
        await using var file = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync(file, PreparedJson.Default.TargetFile)
            ?? throw new JsonException($"{path}: empty target");
    }

    public BenchTarget ToBenchTarget() => new(
        CampaignId,
        Enumerable.Range(0, Projects).Select(i => string.Create(CultureInfo.InvariantCulture, $"{ProjectPrefix}{i:D5}")).ToArray(),
        PoolId, PoolBudget, PartnerId, PartnerKeyId, PartnerKey);

    /// <summary>The options that describe this target win over the command line's (the verification uses them).</summary>
    public BenchOptions Apply(BenchOptions o) => o with
    {
        Projects = Projects,
        CampaignPool = PoolId is not null,
        PoolBudget = PoolBudget,
        PoolDonorDailyCap = PoolDonorDailyCap,
        PoolDonationCap = PoolDonationCap,
        Donors = Donors,
        MinAmount = MinAmount,
        MaxAmount = MaxAmount,
        ExpectExhaustion = false,
        TargetPath = o.TargetPath,
    };
}

/// <summary>One wrk instance's result as <c>scenarios/wrk/donate.lua</c> writes it (only what the verification reads).</summary>
internal sealed class WrkDonateResult
{
    public string? Label { get; set; }
    public long Acked { get; set; }
    public long AckedAmount { get; set; }
    public long AckedMatched { get; set; }
    public long Replays { get; set; }
    public long MatchOverAmount { get; set; }
    public long Unparsed { get; set; }
    public long StartedAt { get; set; }
    public long EndedAt { get; set; }
    public Dictionary<string, long>? Status { get; set; }
    public List<WrkPending>? Unresolved { get; set; }

    /// <summary>Matched fen per donor index over the run (donor-NNNNNN → NNNNNN).</summary>
    public Dictionary<string, long>? DonorMatched { get; set; }
}

internal sealed class WrkPending
{
    public string? Id { get; set; }
    public long Amount { get; set; }
    public int Donor { get; set; }
}

internal sealed record VerifyReport(
    string? Label,
    string CampaignId,
    long Acked,
    long AckedAmountFen,
    long AckedMatchedFen,
    long Unresolved,
    long LateAccepted,
    long NotAccepted,
    long StillUnknown,
    PoolEnd? PoolEnd,
    IReadOnlyList<CheckResult> Checks,
    bool Passed);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(TargetFile))]
[JsonSerializable(typeof(WrkDonateResult))]
[JsonSerializable(typeof(VerifyReport))]
internal sealed partial class PreparedJson : JsonSerializerContext;

/// <summary>The <c>setup</c> and <c>verify</c> commands: a campaign for an outside load client, and its checks afterwards.</summary>
internal static class Prepared
{
    /// <summary>Creates the scenario's campaign, projects (and hub), pool, partner and key; prints the target as JSON.</summary>
    public static async Task<int> SetupAsync(BenchOptions options, CancellationToken ct)
    {
        using var http = new HttpClients(options);
        var runId = Setup.NewRunId();
        var started = Stopwatch.GetTimestamp();
        BenchTarget target;
        try
        {
            target = await Setup.RunAsync(options, http.Manager, runId, ct);
        }
        catch (Exception ex) when (ex is ApiException or HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"setup failed: {ex.Message}");
            return 2;
        }

        var file = TargetFile.From(options, target);
        var json = JsonSerializer.Serialize(file, PreparedJson.Default.TargetFile);
        if (options.JsonPath is { } path)
        {
            await File.WriteAllTextAsync(path, json, ct);
        }

        Console.WriteLine(json);
        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"setup: campaign {target.CampaignId}, {target.ProjectIds.Count} projects, hub children {options.HubChildren}, pool {target.PoolId ?? "none"} in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));
        return 0;
    }

    /// <summary>
    /// After a wrk run: looks up the donations whose outcome wrk never saw (in flight at the end, errors),
    /// then checks the totals exactly as <c>bench</c> does, plus per-donor caps and match ≤ amount from wrk's tallies.
    /// </summary>
    public static async Task<int> VerifyAsync(BenchOptions options, IReadOnlyList<string> wrkPaths, CancellationToken ct)
    {
        var file = await TargetFile.LoadAsync(options.TargetPath!);
        options = file.Apply(options);
        var target = file.ToBenchTarget();
        var results = new List<WrkDonateResult>();
        foreach (var path in wrkPaths)
        {
            await using var stream = File.OpenRead(path);
            results.Add(await JsonSerializer.DeserializeAsync(stream, PreparedJson.Default.WrkDonateResult, ct)
                ?? throw new JsonException($"{path}: empty wrk result"));
        }

        var totals = new WorkerStats { Acks = null };
        var donorMatched = new Dictionary<string, long>(StringComparer.Ordinal);
        long overAmount = 0, unparsed = 0, replays = 0;
        foreach (var r in results)
        {
            totals.Accepted += r.Acked;
            totals.AcceptedAmount += r.AckedAmount;
            totals.MatchedTotal += r.AckedMatched;
            overAmount += r.MatchOverAmount;
            unparsed += r.Unparsed;
            replays += r.Replays;
            foreach (var p in r.Unresolved ?? [])
            {
                totals.Unresolved.Add(new DonationRequest(p.Id ?? "", "?", string.Create(CultureInfo.InvariantCulture, $"donor-{p.Donor:D6}"), p.Amount));
            }

            foreach (var (donor, matched) in r.DonorMatched ?? [])
            {
                donorMatched[donor] = donorMatched.GetValueOrDefault(donor) + matched;
            }
        }

        var unresolved = totals.Unresolved.Count;
        using var http = new HttpClients(options);
        using var partner = http.CreatePartner(options.Url, file.PartnerKey, options.RequestTimeout);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"verify {file.CampaignId}: wrk acknowledged {totals.Accepted:N0} donations ({totals.AcceptedAmount:N0} fen, matched {totals.MatchedTotal:N0}); {unresolved:N0} with no answer"));
        var (late, notAccepted, unknown) = await Reconcile.RunAsync(partner, http.Public, file.CampaignId,
            options.RequestTimeout + options.VerifyTimeout, totals, ct);
        if (unresolved > 0)
        {
            Console.WriteLine($"  of those: {late} accepted, {notAccepted} not accepted, {unknown} still unknown");
        }

        var run = new RunResult(totals, TimeSpan.Zero, late, notAccepted, unknown);
        var (checks, pool) = await Verify.RunAsync(options, target, run, http, null, null, ct);
        var all = checks.ToList();
        all.Add(new("every 2xx answer named a donation wrk sent", unparsed == 0, "0 others", Verify.F(unparsed)));
        all.Add(new("no replays (every donationId was new)", replays == 0, "0", Verify.F(replays)));
        if (target.PoolId is not null)
        {
            all.Add(new("every match <= amount (ratio 1:1)", overAmount == 0, "0 violations", Verify.F(overAmount)));
            if (options.PoolDonorDailyCap > 0)
            {
                // A donor's day starts at 16:00 UTC (Asia/Shanghai): a run across it may match a donor twice the cap.
                var start = results.Count == 0 ? 0 : results.Min(r => r.StartedAt);
                var end = results.Count == 0 ? 0 : results.Max(r => r.EndedAt);
                var days = ((end + (8 * 3600)) / 86_400) - ((start + (8 * 3600)) / 86_400) + 1;
                var cap = options.PoolDonorDailyCap * Math.Max(1, days);
                var worst = donorMatched.Count == 0 ? 0 : donorMatched.Values.Max();
                var over = donorMatched.Values.Count(v => v > cap);
                all.Add(new(days > 1 ? $"per-donor cap held over the run ({days} local days: at most {days} x cap)" : "per-donor daily cap held (max matched per donor, fen)",
                    over == 0, $"at most {Verify.F(cap)}",
                    over == 0 ? $"{Verify.F(worst)} ({Verify.F(donorMatched.Values.Count(v => v == options.PoolDonorDailyCap))} donors exactly at the cap)" : $"{over} donors over, max {Verify.F(worst)}"));
            }
        }

        Report.PrintChecks(all);
        var passed = all.All(c => c.Passed);
        if (options.JsonPath is { } jsonPath)
        {
            var report = new VerifyReport(options.Label, file.CampaignId, totals.Accepted, totals.AcceptedAmount, totals.MatchedTotal,
                unresolved, late, notAccepted, unknown,
                pool is null ? null : new PoolEnd(pool.Budget, pool.Matched, pool.Remaining, null), all, passed);
            await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(report, PreparedJson.Default.VerifyReport), ct);
        }

        return passed ? 0 : 1;
    }
}
