using System.CommandLine;
using System.CommandLine.Parsing;
using CharityDay.LoadTests;
using CharityDay.LoadTesting;

var url = new Option<IReadOnlyList<Uri>>("--url")
{
    Description = "Base address of the CharityDay API; several, comma-separated, spread the workers over them (one per silo)",
    DefaultValueFactory = _ => [new Uri("http://127.0.0.1:5080/")],
    CustomParser = ParseUrls,
};
var scenario = new Option<string?>("--scenario")
{
    Description = "Issue 5 scenario: a = uniform over 1,000 projects, no pool; b = a + one campaign-wide 1:1 pool with per-donor caps and a budget that lasts; "
        + "c = b with 90% of the traffic on one project; d = b with the budget exhausted mid-run; e = b with a manager PATCHing the pool every second",
};
scenario.AcceptOnlyFromAmong("a", "b", "c", "d", "e");
var label = new Option<string?>("--label") { Description = "Name of the deployment under test, copied into the report (embedded, cluster, baseline-pg …)" };
var managerKey = new Option<string?>("--manager-key")
{
    Description = "Manager API key (default: $CHARITYDAY_MANAGER_KEY)",
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CHARITYDAY_MANAGER_KEY"),
};
var mode = new Option<string>("--mode")
{
    Description = "single: POST /v1/donations; batch: POST /v1/donations/batch",
    DefaultValueFactory = _ => "single",
};
mode.AcceptOnlyFromAmong("single", "batch");
var batchSize = Positive(new Option<int>("--batch-size") { Description = "Donations per batch request (1–1000)", DefaultValueFactory = _ => 100 }, max: 1000);
var connections = Positive(new Option<int>("--connections") { Description = "Maximum HTTP connections", DefaultValueFactory = _ => 64 });
var workers = new Option<int?>("--workers") { Description = "Concurrent closed-loop workers (default: --connections)" };
var duration = new Option<TimeSpan>("--duration")
{
    Description = "Length of the load phase: 30s, 500ms, 2m …",
    DefaultValueFactory = _ => TimeSpan.FromSeconds(30),
    CustomParser = CommandLine.ParseDuration,
};
var warmup = new Option<TimeSpan>("--warmup")
{
    Description = "Unmeasured load on a throwaway campaign before the run, so the host's JIT has settled (0 = none)",
    DefaultValueFactory = _ => TimeSpan.FromSeconds(5),
    CustomParser = CommandLine.ParseDurationOrZero,
};
var projects = Positive(new Option<int>("--projects") { Description = "Projects in the benchmark campaign", DefaultValueFactory = _ => 1000 });
var pool = new Option<string>("--pool") { Description = "none, or campaign: one 1:1 pool over the whole campaign", DefaultValueFactory = _ => "none" };
pool.AcceptOnlyFromAmong("none", "campaign");
var poolBudget = Positive(new Option<long>("--pool-budget") { Description = "Pool budget in fen", DefaultValueFactory = _ => 100_000_000_000 });
var poolDonorCap = new Option<long>("--pool-donor-cap") { Description = "Pool perDonorDailyCap in fen (0 = none)", DefaultValueFactory = _ => 2_000 };
var donors = Positive(new Option<int>("--donors") { Description = "Size of the random donor pool", DefaultValueFactory = _ => 100_000 });
var seed = new Option<int?>("--seed") { Description = "Random seed (default: random)" };
var json = new Option<string?>("--json") { Description = "Also write the figures and checks to this JSON file" };
var timeout = new Option<TimeSpan>("--timeout")
{
    Description = "Per-request timeout",
    DefaultValueFactory = _ => TimeSpan.FromSeconds(30),
    CustomParser = CommandLine.ParseDuration,
};
var maxRetries = new Option<int>("--max-retries") { Description = "Retries of a timed-out, 408, 429 or 5xx request (same donationIds)", DefaultValueFactory = _ => 3 };
var verifyTimeout = new Option<TimeSpan>("--verify-timeout")
{
    Description = "How long to poll the read side for exact totals",
    DefaultValueFactory = _ => TimeSpan.FromSeconds(10),
    CustomParser = CommandLine.ParseDuration,
};
var skipVerify = new Option<bool>("--skip-verify") { Description = "Do not check the totals after the run" };
var hotShare = new Option<double>("--hot-share") { Description = "Share (0–1) of the donations sent to one project (scenario c: 0.9)", DefaultValueFactory = _ => 0 };
hotShare.Validators.Add(r =>
{
    var v = r.GetValueOrDefault<double>();
    if (v is < 0 or > 1)
    {
        r.AddError("--hot-share must be between 0 and 1");
    }
});
var patchEvery = new Option<TimeSpan?>("--patch-every")
{
    Description = "A manager PATCHes the pool this often during the load: pause, resume, top-up, ratio 5000, ratio 10000 (scenario e: 1s)",
    CustomParser = r => CommandLine.ParseDuration(r),
};
var topUp = Positive(new Option<long>("--top-up") { Description = "budgetDelta (fen) of the top-up PATCH", DefaultValueFactory = _ => 1_000_000 });
var expectedRate = new Option<double?>("--expected-rate")
{
    Description = "Scenario d without --pool-budget: expected donations/s; the budget is sized to run dry half-way through the run",
};
var hostPids = new Option<IReadOnlyList<int>>("--host-pids")
{
    Description = "Comma-separated pids of the host process(es) under test: peak memory (VmRSS sampled, VmHWM) and CPU time",
    DefaultValueFactory = _ => [],
    CustomParser = ParsePids,
};
var cpuPids = new Option<IReadOnlyList<int>>("--cpu-pids")
{
    Description = "Comma-separated pids of other process trees whose CPU time is reported (e.g. the PostgreSQL postmaster)",
    DefaultValueFactory = _ => [],
    CustomParser = ParsePids,
};
var noMetrics = new Option<bool>("--no-metrics") { Description = "Do not scrape /metrics (baselines have none)" };
var target = new Option<string?>("--target") { Description = "Post to a campaign made by the setup command (its JSON file) instead of setting one up" };
var poolDonationCap = new Option<long>("--pool-donation-cap") { Description = "Pool perDonationCap in fen (0 = none)", DefaultValueFactory = _ => 0 };
var minAmount = Positive(new Option<long>("--min-amount") { Description = "Smallest donation amount in fen", DefaultValueFactory = _ => 100 });
var maxAmount = Positive(new Option<long>("--max-amount") { Description = "Largest donation amount in fen", DefaultValueFactory = _ => 1_000 });
var uniqueDonors = new Option<bool>("--unique-donors") { Description = "Every donation from a new donor (donor-w<worker>-<n>) instead of a draw from --donors; each match is then checked to be min(amount, caps)" };
var merchantShare = new Option<double>("--merchant-share") { Description = "Share (0–1) of the donations that are merchant gifts (SPEC §7; none with --unique-donors)", DefaultValueFactory = _ => 0.1 };
merchantShare.Validators.Add(r =>
{
    if (r.GetValueOrDefault<double>() is < 0 or > 1)
    {
        r.AddError("--merchant-share must be between 0 and 1");
    }
});
var merchants = new Option<int>("--merchants") { Description = "How many merchants give the merchant gifts", DefaultValueFactory = _ => 1_000 };
var count = new Option<long?>("--count") { Description = "Stop after this many donations (--duration is then the longest the load may take)" };
count.Validators.Add(r =>
{
    if (r.GetValueOrDefault<long?>() is <= 0)
    {
        r.AddError("--count must be positive");
    }
});
var rssEvery = new Option<TimeSpan>("--rss-every")
{
    Description = "With --host-pids: how often the hosts' resident memory goes into the report's timeline",
    DefaultValueFactory = _ => TimeSpan.FromSeconds(5),
    CustomParser = CommandLine.ParseDuration,
};

var bench = new Command("bench", "Set up a fresh campaign, post donations for a fixed duration, report throughput and latency, verify totals")
{
    url, managerKey, scenario, label, mode, batchSize, connections, workers, duration, warmup, projects, pool, poolBudget, poolDonorCap,
    donors, seed, json, timeout, maxRetries, verifyTimeout, skipVerify, hotShare, patchEvery, topUp, expectedRate,
    hostPids, cpuPids, noMetrics, target, poolDonationCap, minAmount, maxAmount, uniqueDonors, count, rssEvery,
    merchantShare, merchants,
};
bench.SetAction(async (parse, ct) =>
{
    var key = parse.GetValue(managerKey);
    if (string.IsNullOrWhiteSpace(key))
    {
        await Console.Error.WriteLineAsync("a manager key is required: --manager-key KEY or CHARITYDAY_MANAGER_KEY");
        return 2;
    }

    bool Given(Option o) => parse.GetResult(o) is { Implicit: false };
    var options = new BenchOptions
    {
        Urls = parse.GetRequiredValue(url),
        ManagerKey = key,
        Label = parse.GetValue(label),
        Mode = parse.GetRequiredValue(mode) == "batch" ? BenchMode.Batch : BenchMode.Single,
        BatchSize = parse.GetValue(batchSize),
        Connections = parse.GetValue(connections),
        Workers = parse.GetValue(workers) ?? parse.GetValue(connections),
        Duration = parse.GetValue(duration),
        Warmup = parse.GetValue(warmup),
        Projects = parse.GetValue(projects),
        CampaignPool = parse.GetRequiredValue(pool) == "campaign",
        PoolBudget = parse.GetValue(poolBudget),
        PoolDonorDailyCap = Math.Max(0, parse.GetValue(poolDonorCap)),
        Donors = parse.GetValue(donors),
        Seed = parse.GetValue(seed) ?? Random.Shared.Next(),
        RequestTimeout = parse.GetValue(timeout),
        MaxRetries = Math.Max(0, parse.GetValue(maxRetries)),
        VerifyTimeout = parse.GetValue(verifyTimeout),
        SkipVerify = parse.GetValue(skipVerify),
        JsonPath = parse.GetValue(json),
        HotShare = parse.GetValue(hotShare),
        PatchEvery = parse.GetValue(patchEvery),
        TopUpFen = parse.GetValue(topUp),
        HostPids = parse.GetValue(hostPids) ?? [],
        CpuPids = parse.GetValue(cpuPids) ?? [],
        ScrapeMetrics = !parse.GetValue(noMetrics),
        TargetPath = parse.GetValue(target),
        PoolDonationCap = Math.Max(0, parse.GetValue(poolDonationCap)),
        MinAmount = parse.GetValue(minAmount),
        MaxAmount = parse.GetValue(maxAmount),
        UniqueDonors = parse.GetValue(uniqueDonors),
        Count = parse.GetValue(count),
        RssEvery = parse.GetValue(rssEvery),
        MerchantShare = parse.GetValue(merchantShare),
        Merchants = Math.Max(0, parse.GetValue(merchants)),
    };
    if (options.MaxAmount < options.MinAmount)
    {
        await Console.Error.WriteLineAsync("--max-amount must be at least --min-amount");
        return 2;
    }

    if (parse.GetValue(scenario) is { } name)
    {
        options = Scenarios.Apply(name, options, new ScenarioOverrides(
            Pool: Given(pool), PoolBudget: Given(poolBudget), Projects: Given(projects), HotShare: Given(hotShare),
            PatchEvery: Given(patchEvery)), parse.GetValue(expectedRate));
    }

    if (options.Workers <= 0)
    {
        await Console.Error.WriteLineAsync("--workers must be positive");
        return 2;
    }

    return await Bench.RunAsync(options, ct);
});

// setup / verify: a campaign for another load client (wrk, load-tests/scenarios/wrk), and its checks afterwards.
var setupUrl = new Option<IReadOnlyList<Uri>>("--url") { Description = "API base address", DefaultValueFactory = _ => [new Uri("http://127.0.0.1:5080/")], CustomParser = ParseUrls };
var setupKey = new Option<string?>("--manager-key") { Description = "Manager API key (default: $CHARITYDAY_MANAGER_KEY)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CHARITYDAY_MANAGER_KEY") };
var setupScenario = new Option<string>("--scenario") { Description = "a–e as for bench (the campaign's shape: projects and pool)", DefaultValueFactory = _ => "b" };
setupScenario.AcceptOnlyFromAmong("a", "b", "c", "d", "e");
var setupProjects = Positive(new Option<int>("--projects") { Description = "Projects that receive donations", DefaultValueFactory = _ => 1000 });
var setupBudget = Positive(new Option<long>("--pool-budget") { Description = "Pool budget in fen", DefaultValueFactory = _ => 100_000_000_000 });
var setupCap = new Option<long>("--pool-donor-cap") { Description = "Pool perDonorDailyCap in fen (0 = none)", DefaultValueFactory = _ => 2_000 };
var setupHub = new Option<int>("--hub-children") { Description = "Also create a hub project with this many sub-projects (scenario f's readers)", DefaultValueFactory = _ => 0 };
var setupJson = new Option<string?>("--json") { Description = "Also write the target JSON to this file" };
var setupDonationCap = new Option<long>("--pool-donation-cap") { Description = "Pool perDonationCap in fen (0 = none)", DefaultValueFactory = _ => 0 };
var setupMinAmount = Positive(new Option<long>("--min-amount") { Description = "Smallest donation amount in fen (written to the target for its clients)", DefaultValueFactory = _ => 100 });
var setupMaxAmount = Positive(new Option<long>("--max-amount") { Description = "Largest donation amount in fen (written to the target for its clients)", DefaultValueFactory = _ => 1_000 });
var setup = new Command("setup", "Create a scenario's campaign, projects, pool, partner and key; print them (and the partner key) as JSON")
{
    setupUrl, setupKey, setupScenario, setupProjects, setupBudget, setupCap, setupHub, setupJson, setupDonationCap, setupMinAmount, setupMaxAmount,
};
setup.SetAction(async (parse, ct) =>
{
    var key = parse.GetValue(setupKey);
    if (string.IsNullOrWhiteSpace(key))
    {
        await Console.Error.WriteLineAsync("a manager key is required: --manager-key KEY or CHARITYDAY_MANAGER_KEY");
        return 2;
    }

    bool Given(Option o) => parse.GetResult(o) is { Implicit: false };
    var options = new BenchOptions
    {
        Urls = parse.GetRequiredValue(setupUrl),
        ManagerKey = key,
        Projects = parse.GetValue(setupProjects),
        PoolBudget = parse.GetValue(setupBudget),
        PoolDonorDailyCap = Math.Max(0, parse.GetValue(setupCap)),
        HubChildren = Math.Max(0, parse.GetValue(setupHub)),
        JsonPath = parse.GetValue(setupJson),
        Connections = 16,
        PoolDonationCap = Math.Max(0, parse.GetValue(setupDonationCap)),
        MinAmount = parse.GetValue(setupMinAmount),
        MaxAmount = parse.GetValue(setupMaxAmount),
    };
    if (options.MaxAmount < options.MinAmount)
    {
        await Console.Error.WriteLineAsync("--max-amount must be at least --min-amount");
        return 2;
    }

    options = Scenarios.Apply(parse.GetRequiredValue(setupScenario), options,
        new ScenarioOverrides(Pool: false, PoolBudget: Given(setupBudget), Projects: Given(setupProjects), HotShare: false, PatchEvery: false), null);
    return await Prepared.SetupAsync(options, ct);
});

var verifyUrl = new Option<IReadOnlyList<Uri>>("--url") { Description = "API base address (default: the target's)", CustomParser = ParseUrls };
var verifyKey = new Option<string?>("--manager-key") { Description = "Manager API key (default: $CHARITYDAY_MANAGER_KEY)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CHARITYDAY_MANAGER_KEY") };
var verifyTarget = new Option<string>("--target") { Description = "The setup command's JSON", Required = true };
var verifyWrk = new Option<string>("--wrk") { Description = "The JSON result(s) of scenarios/wrk/donate.lua, comma-separated (one per wrk instance)", Required = true };
var verifyTimeout2 = new Option<TimeSpan>("--verify-timeout") { Description = "How long to poll the read side for exact totals", DefaultValueFactory = _ => TimeSpan.FromSeconds(10), CustomParser = CommandLine.ParseDuration };
var verifyJson = new Option<string?>("--json") { Description = "Also write the checks to this JSON file" };
var verifyLabel = new Option<string?>("--label") { Description = "Name of the deployment, copied into the JSON" };
var verify = new Command("verify", "After an outside load (wrk): look up the donations it never saw answered, then check the campaign and pool totals and the caps")
{
    verifyUrl, verifyKey, verifyTarget, verifyWrk, verifyTimeout2, verifyJson, verifyLabel,
};
verify.SetAction(async (parse, ct) =>
{
    var key = parse.GetValue(verifyKey);
    if (string.IsNullOrWhiteSpace(key))
    {
        await Console.Error.WriteLineAsync("a manager key is required: --manager-key KEY or CHARITYDAY_MANAGER_KEY");
        return 2;
    }

    var targetPath = parse.GetRequiredValue(verifyTarget);
    var file = await TargetFile.LoadAsync(targetPath);
    var options = new BenchOptions
    {
        Urls = parse.GetValue(verifyUrl) ?? [new Uri(file.Url)],
        ManagerKey = key,
        VerifyTimeout = parse.GetValue(verifyTimeout2),
        JsonPath = parse.GetValue(verifyJson),
        Label = parse.GetValue(verifyLabel),
        TargetPath = targetPath,
    };
    var paths = parse.GetRequiredValue(verifyWrk).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    return await Prepared.VerifyAsync(options, paths, ct);
});

// recovery: after a kill -9 and a restart (scenarios/day.sh), the time to the first accepted donation and exact totals.
var recUrl = new Option<IReadOnlyList<Uri>>("--url") { Description = "API base address of the restarted host (default: the target's)", CustomParser = ParseUrls };
var recKey = new Option<string?>("--manager-key") { Description = "Manager API key (default: $CHARITYDAY_MANAGER_KEY)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CHARITYDAY_MANAGER_KEY") };
var recTarget = new Option<string>("--target") { Description = "The setup command's JSON (campaign, projects, partner key)", Required = true };
var recSince = new Option<long?>("--since-ms") { Description = "When the host was killed, in milliseconds since the Unix epoch: every time is measured from it" };
var recSinceFile = new Option<string?>("--since-file") { Description = "Instead of --since-ms: warm up on the live host, print 'recovery: armed', then wait until this file holds the kill's time (ms since the epoch)" };
var recEvery = new Option<TimeSpan>("--every") { Description = "Post one fresh donation this often until one is accepted", DefaultValueFactory = _ => TimeSpan.FromMilliseconds(50), CustomParser = CommandLine.ParseDuration };
var recGiveUp = new Option<TimeSpan>("--give-up") { Description = "Stop trying this long after the kill", DefaultValueFactory = _ => TimeSpan.FromMinutes(5), CustomParser = CommandLine.ParseDuration };
var recTimeout = new Option<TimeSpan>("--timeout") { Description = "Per-request timeout of the probes", DefaultValueFactory = _ => TimeSpan.FromSeconds(60), CustomParser = CommandLine.ParseDuration };
var recAmount = Positive(new Option<long>("--amount") { Description = "Amount of each probe donation in fen", DefaultValueFactory = _ => 1_000 });
var recBench = new Option<string?>("--bench") { Description = "The bench JSON of the load before the kill: the totals to expect (with the probes' own); without it nothing is verified" };
var recVerifyTimeout = new Option<TimeSpan>("--verify-timeout") { Description = "How long to poll the read side for exact totals", DefaultValueFactory = _ => TimeSpan.FromSeconds(10), CustomParser = CommandLine.ParseDuration };
var recJson = new Option<string?>("--json") { Description = "Also write the timings and checks to this JSON file" };
var recLabel = new Option<string?>("--label") { Description = "Name of the deployment, copied into the JSON" };
var recovery = new Command("recovery", "After a kill -9 and restart: post a fresh donation every --every until one is accepted (time from --since-ms), poll /health/ready, then check the totals against --bench")
{
    recUrl, recKey, recTarget, recSince, recSinceFile, recEvery, recGiveUp, recTimeout, recAmount, recBench, recVerifyTimeout, recJson, recLabel,
};
recovery.SetAction(async (parse, ct) =>
{
    var key = parse.GetValue(recKey);
    if (string.IsNullOrWhiteSpace(key))
    {
        await Console.Error.WriteLineAsync("a manager key is required: --manager-key KEY or CHARITYDAY_MANAGER_KEY");
        return 2;
    }

    var targetPath = parse.GetRequiredValue(recTarget);
    var file = await TargetFile.LoadAsync(targetPath);
    var options = new BenchOptions
    {
        Urls = parse.GetValue(recUrl) ?? [new Uri(file.Url)],
        ManagerKey = key,
        VerifyTimeout = parse.GetValue(recVerifyTimeout),
        RequestTimeout = parse.GetValue(recTimeout),
        JsonPath = parse.GetValue(recJson),
        Label = parse.GetValue(recLabel),
        TargetPath = targetPath,
        Connections = 512, // one connection per probe in flight: a probe never queues behind another for a socket
    };
    return await Recovery.RunAsync(options, file, new RecoverySettings(
        parse.GetValue(recSince), parse.GetValue(recSinceFile), parse.GetValue(recEvery), parse.GetValue(recGiveUp), parse.GetValue(recAmount), parse.GetValue(recBench)), ct);
});

var root = new RootCommand("CharityDay load tests") { bench, setup, verify, recovery };
// Ctrl+C / SIGTERM stops the load early; leave time for the lookup of unknown outcomes and the verification.
return await CommandLine.InvokeAsync(root, args, "bench --help", TimeSpan.FromMinutes(1));

static IReadOnlyList<Uri> ParseUrls(ArgumentResult result)
{
    var urls = new List<Uri>();
    foreach (var text in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
    {
        if (Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            urls.Add(uri);
        }
        else
        {
            result.AddError($"'{text}' is not an absolute http(s) URL");
        }
    }

    if (urls.Count == 0)
    {
        result.AddError("--url needs at least one address");
        urls.Add(new Uri("http://invalid/"));
    }

    return urls;
}

static IReadOnlyList<int> ParsePids(ArgumentResult result)
{
    var pids = new List<int>();
    foreach (var text in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
    {
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid) && pid > 0)
        {
            pids.Add(pid);
        }
        else
        {
            result.AddError($"'{text}' is not a process id");
        }
    }

    return pids;
}

static Option<T> Positive<T>(Option<T> option, long max = long.MaxValue)
    where T : struct, IConvertible
{
    option.Validators.Add(r =>
    {
        var value = Convert.ToInt64(r.GetValueOrDefault<T>(), System.Globalization.CultureInfo.InvariantCulture);
        if (value <= 0 || value > max)
        {
            r.AddError(max == long.MaxValue
                ? $"{option.Name} must be positive"
                : $"{option.Name} must be between 1 and {max}");
        }
    });
    return option;
}
