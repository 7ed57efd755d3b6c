using System.Globalization;

namespace CharityDay.LoadTests;

internal enum BenchMode
{
    Single,
    Batch,
}

internal sealed record BenchOptions
{
    /// <summary>The first API address: setup, verification and the manager's calls go here.</summary>
    public Uri Url => Urls[0];

    /// <summary>Every API address (one per silo for a cluster); workers are spread over them round-robin.</summary>
    public required IReadOnlyList<Uri> Urls { get; init; }

    /// <summary>a–e (issue 5), or null for a run configured by its options alone.</summary>
    public string? Scenario { get; init; }

    /// <summary>A free-form name for the deployment under test (embedded, cluster, baseline-pg …), copied into the report.</summary>
    public string? Label { get; init; }
    public required string ManagerKey { get; init; }
    public BenchMode Mode { get; init; } = BenchMode.Single;
    public int BatchSize { get; init; } = 100;
    public int Connections { get; init; } = 64;
    public int Workers { get; init; } = 64;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Unmeasured load before the run: a freshly started host spends its first seconds compiling (tiered JIT).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);
    public int Projects { get; init; } = 1000;
    public bool CampaignPool { get; init; }
    public long PoolBudget { get; init; } = 100_000_000_000;
    public long PoolDonorDailyCap { get; init; } = 2_000;

    /// <summary>Pool <c>perDonationCap</c> in fen (0 = none).</summary>
    public long PoolDonationCap { get; init; }
    public int Donors { get; init; } = 100_000;

    /// <summary>Share (0–1) of the donations that are merchant gifts (SPEC §7), from <see cref="Merchants"/> merchants; none with <see cref="UniqueDonors"/>.</summary>
    public double MerchantShare { get; init; } = 0.1;

    /// <summary>Merchants shop-NNNNNN, numbered after the donors so the per-donor checks tell them apart.</summary>
    public int Merchants { get; init; } = 1_000;

    /// <summary>Every donation from a donor never seen before (the day scenario) instead of a draw from <see cref="Donors"/>.</summary>
    public bool UniqueDonors { get; init; }

    /// <summary>When set, the load stops once this many donations were posted (<see cref="Duration"/> is then the longest it may take).</summary>
    public long? Count { get; init; }

    /// <summary>How often the host's resident memory goes into the report's timeline (with the donations acknowledged so far).</summary>
    public TimeSpan RssEvery { get; init; } = TimeSpan.FromSeconds(5);
    public long MinAmount { get; init; } = 100;
    public long MaxAmount { get; init; } = 1_000;
    public int Seed { get; init; }

    /// <summary>Share of the donations (0–1) that go to the first project; the rest is uniform over the others.</summary>
    public double HotShare { get; init; }

    /// <summary>When set, a manager PATCHes the pool this often during the load (pause, resume, top-up, ratio 1:2, ratio 1:1).</summary>
    public TimeSpan? PatchEvery { get; init; }

    /// <summary>budgetDelta of the top-up PATCH.</summary>
    public long TopUpFen { get; init; } = 1_000_000;

    /// <summary>Scenario d: the pool must run dry during the run and end at exactly 0 remaining.</summary>
    public bool ExpectExhaustion { get; init; }

    /// <summary>Process ids of the host(s) under test: peak memory (VmRSS samples, VmHWM) and CPU time.</summary>
    public IReadOnlyList<int> HostPids { get; init; } = [];

    /// <summary>Other process trees whose CPU time is reported (e.g. the PostgreSQL postmaster).</summary>
    public IReadOnlyList<int> CpuPids { get; init; } = [];

    /// <summary>Scrape /metrics of every URL before and after the load (commits/s, batch size).</summary>
    public bool ScrapeMetrics { get; init; } = true;
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public int MaxRetries { get; init; } = 3;
    public TimeSpan VerifyTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public bool SkipVerify { get; init; }
    public string? JsonPath { get; init; }

    /// <summary>Scenario f: the setup also creates a hub project with this many sub-projects (readers read it; donations go to the other projects).</summary>
    public int HubChildren { get; init; }

    /// <summary>
    /// The match every donation must get when each donor gives once and the budget lasts (1:1 pool):
    /// min(amount, perDonationCap, perDonorDailyCap). Null when that does not hold (no pool, or donors repeat).
    /// </summary>
    public long? UniqueDonorMatchCap => UniqueDonors && CampaignPool
        ? Math.Min(PoolDonationCap > 0 ? PoolDonationCap : long.MaxValue, PoolDonorDailyCap > 0 ? PoolDonorDailyCap : long.MaxValue)
        : null;

    /// <summary>A target written by the <c>setup</c> command: bench posts to it instead of setting up a campaign of its own.</summary>
    public string? TargetPath { get; init; }
}
