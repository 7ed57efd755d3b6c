using System.Globalization;
using StackExchange.Redis;

namespace CharityDay.Baselines;

/// <summary>
/// Baseline (2): Redis, one Lua script per donation doing the same checks atomically (idempotency, paused,
/// ratio, per-donor daily cap, budget) and the same writes (donation, pool matched, donor usage, campaign
/// totals). Durability is the server's: run it with <c>appendonly yes</c> and <c>appendfsync always</c>
/// (an fsync before the reply, like a commit) or <c>everysec</c> (up to a second of acknowledged donations lost on a crash).
/// </summary>
internal sealed class RedisStore(IConnectionMultiplexer redis, Catalog catalog) : IStore
{
    // KEYS[1] donation, KEYS[2] campaign totals, then per pool: pool hash, donor-day hash.
    // ARGV: campaignId, projectId, donorId, amount, acceptedAtMs, then the pool ids.
    // The stored value: campaign|project|donor|amount|acceptedAt|matchedTotal|pool;amount;ratio,...
    private const string DonateScript = """
        local existing = redis.call('HGET', KEYS[1], 'v')
        if existing then return {0, existing} end
        local amount = tonumber(ARGV[4])
        local total = 0
        local out = {}
        local n = (#KEYS - 2) / 2
        for i = 1, n do
          local pk = KEYS[1 + 2 * i]
          local dk = KEYS[2 + 2 * i]
          local p = redis.call('HMGET', pk, 'budget', 'matched', 'ratio', 'cap', 'paused')
          local ratio = tonumber(p[3])
          local m = 0
          if p[5] ~= '1' then
            local want = math.floor(amount * ratio / 10000)
            local left = tonumber(p[1]) - tonumber(p[2])
            if want > left then want = left end
            if p[4] then
              local used = tonumber(redis.call('HGET', dk, 'm') or '0')
              local capLeft = tonumber(p[4]) - used
              if want > capLeft then want = capLeft end
            end
            if want > 0 then m = want end
          end
          if m > 0 then
            redis.call('HINCRBY', pk, 'matched', m)
            redis.call('HINCRBY', dk, 'm', m)
            redis.call('HINCRBY', dk, 'n', 1)
            redis.call('EXPIRE', dk, 172800)
            total = total + m
            out[#out + 1] = ARGV[5 + i] .. ';' .. string.format('%d', m) .. ';' .. string.format('%d', ratio)
          end
        end
        local v = ARGV[1] .. '|' .. ARGV[2] .. '|' .. ARGV[3] .. '|' .. ARGV[4] .. '|' .. ARGV[5] .. '|' .. string.format('%d', total) .. '|' .. table.concat(out, ',')
        redis.call('HSET', KEYS[1], 'v', v)
        redis.call('HINCRBY', KEYS[2], 'raised', amount)
        redis.call('HINCRBY', KEYS[2], 'matched', total)
        redis.call('HINCRBY', KEYS[2], 'count', 1)
        return {1, v}
        """;

    private readonly IDatabase _db = redis.GetDatabase();
    public Task InitAsync() => _db.ScriptEvaluateAsync("return 1");

    private static string PoolKey(string poolId) => $"bl:pool:{poolId}";

    public async Task PutPoolAsync(string poolId, string campaignId, PoolIn pool)
    {
        var key = PoolKey(poolId);
        var fields = new List<HashEntry>
        {
            new("campaign", campaignId),
            new("budget", pool.Budget ?? 0),
            new("ratio", pool.RatioBps ?? 10_000),
            new("paused", pool.Paused == true ? "1" : "0"),
        };
        await _db.HashDeleteAsync(key, "cap");
        if (pool.PerDonorDailyCap is { } cap)
        {
            fields.Add(new("cap", cap));
        }

        await _db.HashSetAsync(key, [.. fields]);
        await _db.HashSetAsync(key, "matched", 0, When.NotExists);
    }

    public async Task<PoolOut?> PatchPoolAsync(string poolId, PoolIn patch)
    {
        var key = PoolKey(poolId);
        if (!await _db.KeyExistsAsync(key))
        {
            return null;
        }

        if (patch.Paused is { } paused)
        {
            await _db.HashSetAsync(key, "paused", paused ? "1" : "0");
        }

        if (patch.RatioBps is { } ratio)
        {
            await _db.HashSetAsync(key, "ratio", ratio);
        }

        if (patch.BudgetDelta is { } delta && delta != 0)
        {
            await _db.HashIncrementAsync(key, "budget", delta);
        }

        return await GetPoolAsync(poolId);
    }

    public async Task<PoolOut?> GetPoolAsync(string poolId)
    {
        var v = await _db.HashGetAsync(PoolKey(poolId), ["campaign", "budget", "matched", "ratio", "cap", "paused"]);
        if (v[0].IsNull)
        {
            return null;
        }

        var budget = (long)v[1];
        var matched = (long)v[2];
        return new PoolOut(poolId, v[0]!, budget, matched, Math.Max(0, budget - matched), (int)v[3], v[4].IsNull ? null : (long)v[4], v[5] == "1");
    }

    public async Task<CampaignOut> GetCampaignAsync(string campaignId)
    {
        var v = await _db.HashGetAsync($"bl:camp:{campaignId}", ["raised", "matched", "count"]);
        return new CampaignOut(campaignId, v[0].IsNull ? 0 : (long)v[0], v[1].IsNull ? 0 : (long)v[1], v[2].IsNull ? 0 : (long)v[2]);
    }

    public async Task<DonateResult> DonateAsync(Donation d)
    {
        var pools = catalog.PoolsOfCampaign.GetValueOrDefault(d.CampaignId) ?? [];
        var keys = new RedisKey[2 + (2 * pools.Length)];
        keys[0] = $"bl:don:{d.PartnerId}:{d.DonationId}";
        keys[1] = $"bl:camp:{d.CampaignId}";
        var args = new RedisValue[5 + pools.Length];
        args[0] = d.CampaignId;
        args[1] = d.ProjectId;
        args[2] = d.DonorId;
        args[3] = d.Amount;
        args[4] = d.AcceptedAt.ToUnixTimeMilliseconds();
        for (var i = 0; i < pools.Length; i++)
        {
            keys[2 + (2 * i)] = PoolKey(pools[i]);
            keys[3 + (2 * i)] = $"bl:dd:{pools[i]}:{d.PartnerId}:{d.DonorId}:{d.LocalDay}";
            args[5 + i] = pools[i];
        }

        var result = (RedisResult[])(await _db.ScriptEvaluateAsync(DonateScript, keys, args))!;
        var stored = Parse(d.PartnerId, d.DonationId, (string)result[1]!);
        return (int)result[0] == 1
            ? new DonateResult(DonateKind.Created, stored)
            : PostgresStore.Replay(d, stored);
    }

    public async Task<DonationOut?> GetDonationAsync(string partnerId, string donationId)
    {
        var v = await _db.HashGetAsync($"bl:don:{partnerId}:{donationId}", "v");
        return v.IsNull ? null : Parse(partnerId, donationId, v!);
    }

    private static DonationOut Parse(string partnerId, string donationId, string v)
    {
        var f = v.Split('|');
        var matches = f[6].Length == 0
            ? []
            : f[6].Split(',').Select(m => m.Split(';')).Select(m => new MatchOut(m[0], long.Parse(m[1], CultureInfo.InvariantCulture), int.Parse(m[2], CultureInfo.InvariantCulture))).ToList();
        var d = new Donation(partnerId, donationId, f[0], f[1], f[2], long.Parse(f[3], CultureInfo.InvariantCulture),
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(f[4], CultureInfo.InvariantCulture)));
        return PostgresStore.Out(d, matches, replayed: false);
    }
}
