using System.CommandLine;
using System.CommandLine.Parsing;
using CharityDay.Rehearsal;
using CharityDay.Rehearsal.Run;
using CharityDay.LoadTesting;

var url = new Option<string?>("--url")
{
    Description = "API address(es) of an existing deployment, comma-separated (one per silo, or a load balancer). Default: start an embedded host",
};
var managerKey = new Option<string?>("--manager-key")
{
    Description = "Manager key of that deployment (default: $CHARITYDAY_MANAGER_KEY)",
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CHARITYDAY_MANAGER_KEY"),
};
var cluster = new Option<int>("--cluster") { Description = "Without --url: start this many Production silos on --postgres instead of the embedded host" };
var postgres = new Option<string?>("--postgres")
{
    Description = "Npgsql connection string for --cluster (default: $ConnectionStrings__Postgres)",
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ConnectionStrings__Postgres"),
};
var duration = new Option<TimeSpan>("--duration")
{
    Description = "Length of the compressed day: 120s, 10m …",
    DefaultValueFactory = _ => TimeSpan.FromSeconds(120),
    CustomParser = CommandLine.ParseDuration,
};
var peakRate = new Option<double>("--peak-rate") { Description = "Donations per second at the opening peak", DefaultValueFactory = _ => 800 };
var mode = new Option<string>("--mode") { Description = "open: requests leave on schedule (latency from the planned time); closed: --workers wait for answers", DefaultValueFactory = _ => "open" };
mode.AcceptOnlyFromAmong("open", "closed");
var workers = new Option<int>("--workers") { Description = "Closed loop: concurrent workers", DefaultValueFactory = _ => 64 };
var connections = new Option<int>("--connections") { Description = "HTTP connections per API address", DefaultValueFactory = _ => 256 };
var maxInFlight = new Option<int>("--max-in-flight") { Description = "Open loop: requests in flight at most (waiting beyond it shows as latency)", DefaultValueFactory = _ => 4096 };
var projects = new Option<int>("--projects") { Description = "Open projects in the campaign (at least 25)", DefaultValueFactory = _ => 2000 };
var bots = new Option<int?>("--bots") { Description = "Scripted donors (default: scaled to the day, 2–20)" };
var seed = new Option<int>("--seed") { Description = "Seed of the scenario: same seed, same sequence of requests", DefaultValueFactory = _ => 1 };
var timeout = new Option<TimeSpan>("--timeout") { Description = "Per-request timeout", DefaultValueFactory = _ => TimeSpan.FromSeconds(10), CustomParser = CommandLine.ParseDuration };
var maxRetries = new Option<int>("--max-retries") { Description = "Retries of a timed-out, 408, 429 or 5xx request (same donationId)", DefaultValueFactory = _ => 3 };
var verifySample = new Option<int>("--verify-sample") { Description = "Acknowledged donations looked up one by one at the end (0 = all)", DefaultValueFactory = _ => 0 };
var verifyTimeout = new Option<TimeSpan>("--verify-timeout") { Description = "How long to wait for the totals to settle", DefaultValueFactory = _ => TimeSpan.FromSeconds(30), CustomParser = CommandLine.ParseDuration };
var output = new Option<string?>("--out") { Description = "Report folder (default: load-tests/reports/<run id>)" };
var keepData = new Option<bool>("--keep-data") { Description = "Keep the embedded host's data directory" };

var root = new RootCommand("CharityDay rehearsal: a charity-day opening against the API, a verdict, and a report")
{
    url, managerKey, cluster, postgres, duration, peakRate, mode, workers, connections, maxInFlight, projects, bots, seed, timeout,
    maxRetries, verifySample, verifyTimeout, output, keepData,
};
root.SetAction(async (parse, ct) =>
{
    var urls = (parse.GetValue(url) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(u => Uri.TryCreate(u.EndsWith('/') ? u : u + "/", UriKind.Absolute, out var uri) ? uri : null).ToList();
    string? problem = null;
    if (urls.Any(u => u is null || (u.Scheme != Uri.UriSchemeHttp && u.Scheme != Uri.UriSchemeHttps)))
    {
        problem = "--url must be absolute http(s) addresses";
    }
    else if (urls.Count > 0 && string.IsNullOrWhiteSpace(parse.GetValue(managerKey)))
    {
        problem = "with --url a manager key is required: --manager-key KEY or CHARITYDAY_MANAGER_KEY";
    }
    else if (urls.Count == 0 && parse.GetValue(cluster) > 0 && string.IsNullOrWhiteSpace(parse.GetValue(postgres)))
    {
        problem = "--cluster needs --postgres CONNECTION-STRING";
    }
    else if (parse.GetValue(peakRate) <= 0 || parse.GetValue(projects) < 25 || parse.GetValue(workers) <= 0 || parse.GetValue(connections) <= 0
             || parse.GetValue(maxInFlight) <= 0 || parse.GetValue(bots) is < 0 || parse.GetValue(maxRetries) < 0)
    {
        problem = "--peak-rate, --workers, --connections and --max-in-flight must be positive, --projects at least 25, --bots and --max-retries not negative";
    }

    if (problem is not null)
    {
        await Console.Error.WriteLineAsync(problem);
        return 2;
    }

    return await Rehearsal.RunAsync(new RehearsalOptions
    {
        Urls = [.. urls.OfType<Uri>()],
        ManagerKey = parse.GetValue(managerKey),
        ClusterSilos = Math.Max(0, parse.GetValue(cluster)),
        Postgres = parse.GetValue(postgres),
        Duration = parse.GetValue(duration),
        PeakRate = parse.GetValue(peakRate),
        Mode = parse.GetRequiredValue(mode) == "closed" ? LoadMode.Closed : LoadMode.Open,
        Workers = parse.GetValue(workers),
        Connections = parse.GetValue(connections),
        MaxInFlight = parse.GetValue(maxInFlight),
        Projects = parse.GetValue(projects),
        Bots = parse.GetValue(bots),
        Seed = parse.GetValue(seed),
        RequestTimeout = parse.GetValue(timeout),
        MaxRetries = parse.GetValue(maxRetries),
        VerifySample = parse.GetValue(verifySample),
        VerifyTimeout = parse.GetValue(verifyTimeout),
        OutputDir = parse.GetValue(output),
        KeepData = parse.GetValue(keepData),
    }, ct);
});

// Ctrl+C stops the load early; the run still verifies and reports what was acknowledged.
return await CommandLine.InvokeAsync(root, args, "--help", TimeSpan.FromMinutes(2));
