using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using CharityDay.Contracts;

namespace CharityDay.Api.Partners;

/// <summary>
/// A partner's rate limit (donations per second): shared by the cluster through Redis when it is
/// configured (production), else a token bucket on this silo. The partner's setting is re-read
/// every few seconds, so a change applies without a restart.
/// </summary>
public sealed class PartnerRateLimiter(IGrainFactory grains, TimeProvider time, ClusterRateWindow? cluster = null)
{
    private static readonly TimeSpan SettingsMaxAge = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public async ValueTask<bool> TryAcquireAsync(string partnerId, int donations)
    {
        var now = time.GetUtcNow();
        if (!_entries.TryGetValue(partnerId, out var entry) || now - entry.ReadAt > SettingsMaxAge)
        {
            var settings = await grains.GetGrain<IPartnerGrain>(partnerId).Get();
            var limit = settings?.RateLimitPerSecond;
            // Requests that all found no fresh entry must end up sharing one bucket: each with a
            // bucket of its own, a partner's first burst on a silo would not be limited at all.
            lock (_gate)
            {
                if (_entries.TryGetValue(partnerId, out var current) && current.Limit == limit)
                {
                    entry = current with { ReadAt = now };
                }
                else
                {
                    current?.Limiter?.Dispose();
                    entry = new Entry(limit, now, limit is { } perSecond ? NewBucket(perSecond) : null);
                }
                _entries[partnerId] = entry;
            }
        }
        if (cluster is not null && entry.Limit is { } sharedLimit)
        {
            return await cluster.TryTakeAsync(partnerId, sharedLimit, donations);
        }
        return TryAcquire(entry, partnerId, donations);
    }

    private bool TryAcquire(Entry entry, string partnerId, int donations)
    {
        if (entry.Limiter is null)
        {
            return true;
        }
        try
        {
            using var lease = entry.Limiter.AttemptAcquire(Math.Min(donations, entry.Limit!.Value));
            return lease.IsAcquired;
        }
        catch (ObjectDisposedException) when (_entries.TryGetValue(partnerId, out var current) && current.Limiter != entry.Limiter)
        {
            // The limit changed while this request held the old bucket: the new bucket decides.
            return TryAcquire(current, partnerId, donations);
        }
    }

    private static TokenBucketRateLimiter NewBucket(int perSecond) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = perSecond,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    });

    private sealed record Entry(int? Limit, DateTimeOffset ReadAt, TokenBucketRateLimiter? Limiter);
}
