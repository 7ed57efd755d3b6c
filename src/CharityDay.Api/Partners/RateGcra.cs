namespace CharityDay.Api.Partners;

/// <summary>Where a rate-limit decision was taken (a metric tag: bounded).</summary>
public enum RateLimitMode
{
    /// <summary>No Redis configured: one silo, its own bucket holds the whole limit.</summary>
    Local,

    /// <summary>Redis decided for the whole cluster.</summary>
    Shared,

    /// <summary>Redis configured but failing or slow: this silo's share of the limit, decided here.</summary>
    Fallback,
}

/// <summary>
/// One answer of a partner's rate limit, with what the <c>RateLimit</c> headers and <c>Retry-After</c> need.
/// </summary>
/// <param name="Cost">Donations asked for: a batch of N costs N.</param>
/// <param name="Remaining">Donations that could still be posted at once after this answer.</param>
/// <param name="ResetSeconds">Seconds until the bucket is full again (0: full now).</param>
/// <param name="RetryAfterSeconds">Refused: seconds until this same request would pass (at least 1).</param>
public sealed record RateDecision(bool Allowed, int Limit, int Cost, long Remaining, int ResetSeconds, int RetryAfterSeconds, RateLimitMode Mode)
{
    /// <summary>A batch larger than the whole per-second limit: no wait makes it pass; it must be split.</summary>
    public bool NeverFits => Cost > Limit;
}

/// <summary>
/// The partner limit as one pure function: GCRA (the generic cell rate algorithm), i.e. a token bucket of
/// <c>limit</c> donations refilled at <c>limit</c> per second, kept as one number — the theoretical
/// arrival time (TAT) at which the bucket is full again. One number is what makes the same rule cheap in
/// Redis (one key per partner, one Lua script: <see cref="ClusterRateWindow"/>) and in this process
/// (the fallback and the embedded profile), so a partner sees the same limit whichever decides.
/// A request of cost N passes when, after taking N, the TAT is at most one window (1 s) ahead of now:
/// a full bucket lets <c>limit</c> donations through at once, then <c>limit</c> per second.
/// Times are in any unit; <see cref="Window"/> gives the unit's second.
/// </summary>
public static class RateGcra
{
    /// <summary>
    /// Rounding slack, in time units: 1e6 / 3 × 3 is not exactly 1e6 in floating point, and a batch of
    /// exactly <c>limit</c> into a full bucket must pass.
    /// </summary>
    private const double Epsilon = 0.5;

    /// <summary>
    /// Takes <paramref name="cost"/> donations if they fit. Returns the TAT to store (unchanged when refused)
    /// and how far ahead of <paramref name="now"/> the TAT is after the answer: what <see cref="Decide"/> needs.
    /// </summary>
    public static (double Tat, double Ahead, bool Allowed) Take(double tat, double now, int limit, int cost, double window)
    {
        var start = Math.Max(tat, now);
        var next = start + (cost * (window / limit));
        return next - now > window + Epsilon
            ? (tat, start - now, false)
            : (next, next - now, true);
    }

    /// <summary>The decision from a take's result; <paramref name="ahead"/> is TAT − now after it, in units of <paramref name="window"/>.</summary>
    public static RateDecision Decide(bool allowed, double ahead, int limit, int cost, double window, RateLimitMode mode)
    {
        ahead = Math.Max(0, ahead);
        var interval = window / limit;
        var remaining = (long)Math.Floor(((window - ahead) / interval) + (Epsilon / interval));
        var reset = (int)Math.Ceiling((ahead - Epsilon) / window);
        var retryAfter = allowed ? 0 : Math.Max(1, (int)Math.Ceiling((ahead + (cost * interval) - window - Epsilon) / window));
        return new RateDecision(allowed, limit, cost, Math.Clamp(remaining, 0, limit), Math.Max(0, reset), retryAfter, mode);
    }
}
