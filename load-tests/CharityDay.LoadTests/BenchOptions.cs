using System.Globalization;

namespace CharityDay.LoadTests;

internal enum BenchMode
{
    Single,
    Batch,
}

internal sealed record BenchOptions
{
    public required Uri Url { get; init; }
    public required string ManagerKey { get; init; }
    public BenchMode Mode { get; init; } = BenchMode.Single;
    public int BatchSize { get; init; } = 100;
    public int Connections { get; init; } = 64;
    public int Workers { get; init; } = 64;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);
    public int Projects { get; init; } = 1000;
    public bool CampaignPool { get; init; }
    public long PoolBudget { get; init; } = 100_000_000_000;
    public long PoolDonorDailyCap { get; init; } = 2_000;
    public int Donors { get; init; } = 100_000;
    public long MinAmount { get; init; } = 100;
    public long MaxAmount { get; init; } = 1_000;
    public int Seed { get; init; }
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public int MaxRetries { get; init; } = 3;
    public TimeSpan VerifyTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public bool SkipVerify { get; init; }
    public string? JsonPath { get; init; }
}

/// <summary>Parses durations such as <c>30s</c>, <c>500ms</c>, <c>2m</c>, <c>1h</c>, a bare number of seconds, or <c>hh:mm:ss</c>.</summary>
internal static class DurationText
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        var t = text.Trim();
        (string suffix, double unitSeconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, unitSeconds) in units)
        {
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(t[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
                && n > 0)
            {
                value = TimeSpan.FromSeconds(n * unitSeconds);
                return true;
            }
        }

        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            value = TimeSpan.FromSeconds(seconds);
            return true;
        }

        return TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out value) && value > TimeSpan.Zero;
    }

    public static string Format(TimeSpan value) =>
        value.TotalSeconds >= 1 && value.Milliseconds == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0}s")
            : string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0}ms");
}
