namespace CharityDay.Api.Partners;

/// <summary>Partner rate limits (SPEC §4); set from <c>CharityDay__DefaultPartnerRateLimit</c> and friends by the host.</summary>
public sealed class PartnerRateLimitOptions
{
    /// <summary>
    /// Donations per second for a partner whose settings have no <c>rateLimit</c>. 2,000/s is a large
    /// platform's share of a record day (the 2025 peak was ≈16,000/s over every platform together) and
    /// well under what three silos take (docs/performance.md), so one runaway client cannot crowd out the
    /// others; a bigger partner gets an explicit <c>rateLimit</c>.
    /// </summary>
    public const int DefaultLimit = 2_000;

    /// <summary>The admin API's bound for <c>rateLimit</c>; the default obeys it too.</summary>
    public const int MaxLimit = 10_000_000;

    public const int MinRedisTimeoutMs = 10;
    public const int MaxRedisTimeoutMs = 1_000;

    public int DefaultPerSecond { get; set; } = DefaultLimit;

    /// <summary>
    /// How long a donation waits for Redis before this silo decides alone (SPEC §5: Redis is a soft
    /// dependency). A healthy loopback or same-zone Redis answers in well under 1 ms; 50 ms is far past
    /// that and still small beside the commit a donation waits for anyway.
    /// </summary>
    public int RedisTimeoutMs { get; set; } = 50;

    public bool IsValid(out string error)
    {
        error = DefaultPerSecond is < 1 or > MaxLimit
            ? $"CharityDay:DefaultPartnerRateLimit must be 1–{MaxLimit} donations per second"
            : RedisTimeoutMs is < MinRedisTimeoutMs or > MaxRedisTimeoutMs
                ? $"CharityDay:RateLimitRedisTimeoutMs must be {MinRedisTimeoutMs}–{MaxRedisTimeoutMs}"
                : "";
        return error.Length == 0;
    }
}

/// <summary>Silos alive in the cluster now: a silo's share of a limit when Redis is away is limit ÷ this.</summary>
public interface ILiveSiloCount
{
    int Count();
}
