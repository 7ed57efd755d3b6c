using StackExchange.Redis;

namespace CharityDay.Api.Partners;

/// <summary>
/// A partner's rate limit shared by every silo: donations counted per partner per second in
/// Redis (SPEC §5). Without it each silo keeps its own bucket, and a partner limited to N/s could
/// post N/s to each silo.
/// </summary>
public sealed class ClusterRateWindow(IConnectionMultiplexer redis, TimeProvider time)
{
    // Check and count in one atomic step, so concurrent silos cannot both take the last slot.
    private const string TakeScript = """
        local used = tonumber(redis.call('GET', KEYS[1]) or '0')
        local want = tonumber(ARGV[1])
        if used + want > tonumber(ARGV[2]) then return 0 end
        redis.call('INCRBY', KEYS[1], want)
        redis.call('EXPIRE', KEYS[1], 2)
        return 1
        """;

    public async Task<bool> TryTakeAsync(string partnerId, int limitPerSecond, int donations)
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        var key = (RedisKey)$"charityday:rate:{partnerId}:{second}";
        var taken = await redis.GetDatabase().ScriptEvaluateAsync(TakeScript, [key], [Math.Min(donations, limitPerSecond), limitPerSecond]);
        return (long)taken == 1;
    }
}
