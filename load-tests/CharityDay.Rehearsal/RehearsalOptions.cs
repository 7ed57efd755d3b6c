using System.Globalization;
using CharityDay.Rehearsal.Run;

namespace CharityDay.Rehearsal;

public sealed record RehearsalOptions
{
    /// <summary>API addresses (one per silo, or one load balancer). Empty: start a host ourselves.</summary>
    public IReadOnlyList<Uri> Urls { get; init; } = [];
    public string? ManagerKey { get; init; }

    /// <summary>With no <see cref="Urls"/>: 0 = embedded host; N = N Production silos on <see cref="Postgres"/>.</summary>
    public int ClusterSilos { get; init; }
    public string? Postgres { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(120);
    public double PeakRate { get; init; } = 800;
    public LoadMode Mode { get; init; } = LoadMode.Open;
    public int Workers { get; init; } = 64;
    public int Connections { get; init; } = 256;
    public int MaxInFlight { get; init; } = 4096;
    public int Projects { get; init; } = 2000;
    /// <summary>Scripted donors; null = scaled to the day (2–20, about one per 2,000 planned donations).</summary>
    public int? Bots { get; init; }

    public int BotsOrDefault => Bots ?? (int)Math.Clamp(Math.Round(PeakRate * Duration.TotalSeconds / 2_000), 2, 20);
    public int Seed { get; init; } = 1;
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public int MaxRetries { get; init; } = 3;

    /// <summary>Donations looked up one by one at the end: 0 = every acknowledged donation.</summary>
    public int VerifySample { get; init; }
    public TimeSpan VerifyTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public string? OutputDir { get; init; }
    public bool KeepData { get; init; }
}
