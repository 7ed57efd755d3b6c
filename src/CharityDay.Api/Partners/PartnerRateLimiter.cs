using System.Collections.Concurrent;
using CharityDay.Contracts;
using CharityDay.Contracts.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace CharityDay.Api.Partners;

/// <summary>
/// A partner's rate limit in donations per second (SPEC §4): its <c>rateLimit</c>, else the configured
/// default; a batch of N costs N. With Redis (production) the cluster shares one bucket per partner;
/// Redis is a soft dependency (SPEC §5): a call that fails or takes longer than
/// <see cref="PartnerRateLimitOptions.RedisTimeoutMs"/> is decided on this silo against its share of
/// the limit (limit ÷ live silos), and after two failures a circuit stops asking Redis for a second
/// at a time, then lets one probe through; the first success resumes shared counting. Without Redis
/// (the embedded profile: one silo) the silo's own bucket holds the whole limit.
/// A partner's setting is re-read every few seconds, so a change applies without a restart.
/// </summary>
public sealed class PartnerRateLimiter
{
    private static readonly TimeSpan SettingsMaxAge = TimeSpan.FromSeconds(5);

    /// <summary>Membership changes in seconds at best (probes, votes): a second-old count is fresh enough.</summary>
    private static readonly TimeSpan SiloCountMaxAge = TimeSpan.FromSeconds(1);

    /// <summary>While open, Redis is not asked at all; then one probe decides whether it is back.</summary>
    private static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(1);

    private const double MicrosecondsPerSecond = 1_000_000;

    private readonly Func<string, Task<int?>> _configuredLimit;
    private readonly TimeProvider _time;
    private readonly ISharedRateWindow? _shared;
    private readonly ILiveSiloCount? _silos;
    private readonly ILogger _logger;
    private readonly int _defaultLimit;
    private readonly ResiliencePipeline? _redis;
    private readonly ConcurrentDictionary<string, LimitEntry> _limits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LocalBucket> _buckets = new(StringComparer.Ordinal);
    private readonly long _epochTicks;
    private SiloCount _siloCount = new(1, DateTimeOffset.MinValue);
    private int _circuitOpen;

    [ActivatorUtilitiesConstructor]
    public PartnerRateLimiter(IGrainFactory grains, TimeProvider time, IOptions<PartnerRateLimitOptions> options,
        ISharedRateWindow? shared = null, ILiveSiloCount? silos = null, ILogger<PartnerRateLimiter>? logger = null)
        : this(async partnerId => (await grains.GetGrain<IPartnerGrain>(partnerId).Get())?.RateLimitPerSecond,
            time, options.Value, shared, silos, logger)
    {
    }

    /// <param name="configuredLimit">The partner's own <c>rateLimit</c>, or null for the default.</param>
    public PartnerRateLimiter(Func<string, Task<int?>> configuredLimit, TimeProvider time, PartnerRateLimitOptions options,
        ISharedRateWindow? shared = null, ILiveSiloCount? silos = null, ILogger? logger = null)
    {
        _configuredLimit = configuredLimit;
        _time = time;
        _shared = shared;
        _silos = silos;
        _logger = logger ?? NullLogger.Instance;
        _defaultLimit = options.DefaultPerSecond;
        _epochTicks = time.GetUtcNow().UtcTicks;
        if (shared is not null)
        {
            _redis = new ResiliencePipelineBuilder { TimeProvider = time }
                .AddCircuitBreaker(new CircuitBreakerStrategyOptions
                {
                    ShouldHandle = new PredicateBuilder().Handle<RedisException>().Handle<TimeoutException>().Handle<TimeoutRejectedException>(),
                    // Two failures (Polly's least) at half of the calls: a dead Redis opens it within
                    // milliseconds under load, and in a few seconds even at a trickle.
                    FailureRatio = 0.5,
                    MinimumThroughput = 2,
                    SamplingDuration = TimeSpan.FromSeconds(5),
                    BreakDuration = BreakDuration,
                    OnOpened = _ => SetCircuit(open: true),
                    OnClosed = _ => SetCircuit(open: false),
                })
                .AddTimeout(TimeSpan.FromMilliseconds(options.RedisTimeoutMs))
                .Build();
        }
        CharityDayTelemetry.Meter.CreateObservableGauge(CharityDayTelemetry.RateLimitFallback, () => InFallback ? 1 : 0,
            description: "1 while this silo decides partner rate limits alone (its share of each limit) because Redis fails or is slow; else 0.");
    }

    /// <summary>
    /// Connects to Redis and runs the script once, outside the timeout, before the first donation: a cold
    /// connection and first script call take far longer than the timeout, and would put a fresh silo's
    /// first donations on its share for no reason. A take of 0 donations changes no bucket.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken ct)
    {
        if (_shared is null)
        {
            return;
        }
        try
        {
            await _shared.TakeAsync("charityday-warmup", 1, 0).WaitAsync(TimeSpan.FromSeconds(10), _time, ct);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            _logger.LogWarning(e, "Redis does not answer at start: partner rate limits start on this silo's share");
        }
    }

    /// <summary>True while Redis is configured but the circuit keeps this silo on its share of each limit.</summary>
    public bool InFallback => Volatile.Read(ref _circuitOpen) == 1;

    /// <summary>
    /// Takes <paramref name="donations"/> from the partner's limit, or answers why not and when to retry.
    /// 0 takes nothing and answers the partner's current state (for the RateLimit fields of reads).
    /// </summary>
    public async ValueTask<RateDecision> TryAcquireAsync(string partnerId, int donations)
    {
        var limit = await LimitOfAsync(partnerId);
        var decision = _redis is null
            ? TakeLocal(partnerId, limit, limit, donations, RateLimitMode.Local)
            : await TakeSharedAsync(partnerId, limit, donations);
        if (donations == 0)
        {
            return decision;
        }
        CharityDayTelemetry.RateLimitDecisions.Add(donations,
            new KeyValuePair<string, object?>("partner", partnerId),
            new KeyValuePair<string, object?>("mode", ModeTag(decision.Mode)),
            new KeyValuePair<string, object?>("result", decision.Allowed ? "allowed" : "limited"));
        return decision;
    }

    private async ValueTask<RateDecision> TakeSharedAsync(string partnerId, int limit, int donations)
    {
        try
        {
            var take = await _redis!.ExecuteAsync(
                static async (state, ct) => await state.Shared.TakeAsync(state.PartnerId, state.Limit, state.Donations).WaitAsync(ct),
                (Shared: _shared!, PartnerId: partnerId, Limit: limit, Donations: donations));
            return RateGcra.Decide(take.Allowed, take.AheadMicroseconds, limit, donations, MicrosecondsPerSecond, RateLimitMode.Shared);
        }
        catch (Exception e) when (e is ExecutionRejectedException or RedisException or TimeoutException)
        {
            // Redis failed, was slow, or the circuit is open: donations go on, within this silo's share.
            return TakeLocal(partnerId, limit, ShareOf(limit), donations, RateLimitMode.Fallback);
        }
    }

    /// <summary>This silo's part of a cluster-wide limit: rounded up, so a partner never drops to 0.</summary>
    private int ShareOf(int limit) => (int)Math.Ceiling((double)limit / LiveSilos());

    private int LiveSilos()
    {
        var now = _time.GetUtcNow();
        var cached = Volatile.Read(ref _siloCount);
        if (_silos is null || now - cached.At < SiloCountMaxAge)
        {
            return cached.Count;
        }
        var count = Math.Max(1, _silos.Count());
        Volatile.Write(ref _siloCount, new SiloCount(count, now));
        return count;
    }

    /// <summary>
    /// The same <see cref="RateGcra"/> rule on this silo. The decision reports the partner's whole limit
    /// (its policy) while the bucket runs at <paramref name="bucketLimit"/> (the share, in fallback).
    /// </summary>
    private RateDecision TakeLocal(string partnerId, int limit, int bucketLimit, int donations, RateLimitMode mode)
    {
        var bucket = _buckets.GetOrAdd(partnerId, static _ => new LocalBucket());
        // Ticks since this limiter began: a double holds them to a fraction of a tick for years, where
        // ticks since year 1 (~6e17) would be rounded to 128 ticks and skew the bucket.
        var now = (double)(_time.GetUtcNow().UtcTicks - _epochTicks);
        lock (bucket)
        {
            var (tat, ahead, allowed) = RateGcra.Take(bucket.Tat, now, bucketLimit, donations, TimeSpan.TicksPerSecond);
            bucket.Tat = tat;
            var decision = RateGcra.Decide(allowed, ahead, bucketLimit, donations, TimeSpan.TicksPerSecond, mode);
            return decision with { Limit = limit };
        }
    }

    private async ValueTask<int> LimitOfAsync(string partnerId)
    {
        var now = _time.GetUtcNow();
        if (_limits.TryGetValue(partnerId, out var entry) && now - entry.ReadAt <= SettingsMaxAge)
        {
            return entry.Limit;
        }
        var limit = await _configuredLimit(partnerId) ?? _defaultLimit;
        _limits[partnerId] = new LimitEntry(limit, now);
        return limit;
    }

    private ValueTask SetCircuit(bool open)
    {
        Volatile.Write(ref _circuitOpen, open ? 1 : 0);
        if (open)
        {
            _logger.LogWarning("Redis fails or is slow: partner rate limits are decided on this silo, each at its share of the limit");
        }
        else
        {
            _logger.LogInformation("Redis answers again: partner rate limits are shared by the cluster");
        }
        return ValueTask.CompletedTask;
    }

    private static string ModeTag(RateLimitMode mode) => mode switch
    {
        RateLimitMode.Shared => "shared",
        RateLimitMode.Fallback => "fallback",
        _ => "local",
    };

    private sealed record LimitEntry(int Limit, DateTimeOffset ReadAt);

    private sealed record SiloCount(int Count, DateTimeOffset At);

    /// <summary>GCRA state: the instant (ticks since the limiter began) at which the bucket is full again.</summary>
    private sealed class LocalBucket
    {
        public double Tat;
    }
}
