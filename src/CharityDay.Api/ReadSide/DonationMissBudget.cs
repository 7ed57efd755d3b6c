using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace CharityDay.Api.ReadSide;

/// <summary>
/// How many unknown donation ids one partner may look up per second on this silo. A partner reads
/// its donations back from the ledger (<c>GET /v1/donations/{id}</c>, a refund): an id it posted is
/// one indexed read, and so is an id it never posted — which cannot be cached as missing, because
/// the partner may post that id on another silo and must read it back at once. So a valid key
/// scanning random ids is bounded here instead: each miss spends a token, and a partner with none
/// left is answered 429 (Retry-After) before any storage read, until the bucket refills. Reads of
/// donations that exist spend nothing, so a partner that only reads its own donations never meets
/// the bound. One bucket per partner that has a valid key (a few dozen), so memory is bounded too.
/// </summary>
public sealed class DonationMissBudget
{
    /// <summary>Misses per partner per second per silo, and the burst: far above any real client's mistakes, far below what a scan would read.</summary>
    public const int MissesPerSecond = 1000;

    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _buckets = new(StringComparer.Ordinal);

    /// <summary>False when the partner spent its budget: answer 429 without reading.</summary>
    public bool MayLookUp(string partnerId)
    {
        // Acquiring zero permits asks whether any is left, without taking one.
        using var lease = BucketOf(partnerId).AttemptAcquire(0);
        return lease.IsAcquired;
    }

    /// <summary>The lookup found nothing: it costs the partner a token.</summary>
    public void Missed(string partnerId)
    {
        using var _ = BucketOf(partnerId).AttemptAcquire(1);
    }

    private TokenBucketRateLimiter BucketOf(string partnerId) =>
        _buckets.GetOrAdd(partnerId, _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = MissesPerSecond,
            TokensPerPeriod = MissesPerSecond / 10,
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
}
