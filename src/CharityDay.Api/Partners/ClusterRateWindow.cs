using StackExchange.Redis;

namespace CharityDay.Api.Partners;

/// <summary>A take from the cluster-wide bucket: allowed or not, and how far ahead (µs) its TAT is after the answer.</summary>
public readonly record struct SharedTake(bool Allowed, long AheadMicroseconds);

/// <summary>The cluster-wide part of a partner's limit; a seam so the limiter's fallback can be tested without Redis.</summary>
public interface ISharedRateWindow
{
    Task<SharedTake> TakeAsync(string partnerId, int limitPerSecond, int donations);
}

/// <summary>
/// A partner's rate limit shared by every silo (SPEC §5): the <see cref="RateGcra"/> bucket kept in Redis,
/// one key per partner, checked and taken in one Lua script so concurrent silos can never both take the
/// last donations. The script reads Redis' own clock (TIME), so silos whose clocks disagree still share
/// one bucket. Failures and slowness are the caller's to handle (<see cref="PartnerRateLimiter"/>).
/// </summary>
public sealed class ClusterRateWindow(IConnectionMultiplexer redis) : ISharedRateWindow
{
    // ARGV[1] = limit per second, ARGV[2] = donations. Times in microseconds (exact in a double up to
    // 2^53 µs ≈ 285 years of epoch time). The stored TAT is written with %.0f: Lua's default number
    // format keeps only 14 digits, which would round a 16-digit µs timestamp by up to 100 µs.
    // Same rule as RateGcra.Take, with its 0.5-unit slack.
    private const string TakeScript = """
        local limit = tonumber(ARGV[1])
        local cost = tonumber(ARGV[2])
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
        local start = math.max(tat, now)
        local nextTat = start + cost * (1000000 / limit)
        if nextTat - now > 1000000.5 then
          return {0, math.floor(start - now)}
        end
        redis.call('SET', KEYS[1], string.format('%.0f', nextTat), 'PX', math.ceil((nextTat - now) / 1000) + 1000)
        return {1, math.floor(nextTat - now)}
        """;

    public async Task<SharedTake> TakeAsync(string partnerId, int limitPerSecond, int donations)
    {
        var key = (RedisKey)$"charityday:rate:{{{partnerId}}}";
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(TakeScript, [key], [limitPerSecond, donations]))!;
        return new SharedTake((long)result[0] == 1, (long)result[1]);
    }
}
