using CharityDay.Api.Partners;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>
/// The partner limit's logic without a host: the GCRA rule, the batch cost, the default limit, and
/// Redis as a soft dependency (fail or stall → this silo's share; back → shared again), on a fake clock.
/// </summary>
public sealed class PartnerRateLimiterTests
{
    private static readonly PartnerRateLimitOptions Options = new() { DefaultPerSecond = 50, RedisTimeoutMs = 50 };

    [Fact]
    public async Task A_full_bucket_lets_the_limit_through_at_once_then_refills_at_the_limit_per_second()
    {
        var time = new FakeTimeProvider();
        var limiter = Local(time, limit: 100);

        var first = await limiter.TryAcquireAsync("p", 100);
        Assert.True(first.Allowed, $"a batch of exactly the limit into a full bucket must pass: {first}");
        Assert.Equal((0L, 1), (first.Remaining, first.ResetSeconds));

        var next = await limiter.TryAcquireAsync("p", 1);
        Assert.False(next.Allowed);
        Assert.Equal(1, next.RetryAfterSeconds);

        time.Advance(TimeSpan.FromMilliseconds(100)); // 10 donations' worth
        Assert.True((await limiter.TryAcquireAsync("p", 10)).Allowed);
        Assert.False((await limiter.TryAcquireAsync("p", 1)).Allowed);
    }

    [Fact]
    public async Task A_batch_is_charged_its_full_count()
    {
        var time = new FakeTimeProvider();
        var limiter = Local(time, limit: 100);

        var batch = await limiter.TryAcquireAsync("p", 60);
        Assert.True(batch.Allowed);
        Assert.Equal(40L, batch.Remaining);

        var second = await limiter.TryAcquireAsync("p", 60);
        Assert.False(second.Allowed, $"60 + 60 donations within an instant passed a limit of 100: {second}");
        Assert.Equal((40L, 1), (second.Remaining, second.RetryAfterSeconds));
        Assert.True((await limiter.TryAcquireAsync("p", 40)).Allowed);
    }

    [Fact]
    public async Task A_batch_larger_than_the_limit_never_fits()
    {
        var limiter = Local(new FakeTimeProvider(), limit: 100);

        var decision = await limiter.TryAcquireAsync("p", 101);

        Assert.False(decision.Allowed);
        Assert.True(decision.NeverFits);
        Assert.Equal(100L, decision.Remaining);
    }

    [Fact]
    public async Task A_partner_without_rateLimit_gets_the_default()
    {
        var limiter = new PartnerRateLimiter(_ => Task.FromResult<int?>(null), new FakeTimeProvider(), Options);

        var decision = await limiter.TryAcquireAsync("p", 50);

        Assert.True(decision.Allowed);
        Assert.Equal(50, decision.Limit);
        Assert.False((await limiter.TryAcquireAsync("p", 1)).Allowed);
    }

    [Fact]
    public async Task Partners_have_buckets_of_their_own()
    {
        var limiter = Local(new FakeTimeProvider(), limit: 10);

        Assert.True((await limiter.TryAcquireAsync("a", 10)).Allowed);
        Assert.True((await limiter.TryAcquireAsync("b", 10)).Allowed);
        Assert.False((await limiter.TryAcquireAsync("a", 1)).Allowed);
    }

    [Fact]
    public async Task A_changed_rateLimit_applies_after_the_settings_are_reread()
    {
        var time = new FakeTimeProvider();
        var configured = 10;
        var limiter = new PartnerRateLimiter(_ => Task.FromResult<int?>(configured), time, Options);
        Assert.Equal(10, (await limiter.TryAcquireAsync("p", 1)).Limit);

        configured = 1000;
        time.Advance(TimeSpan.FromSeconds(6));

        var decision = await limiter.TryAcquireAsync("p", 500);
        Assert.True(decision.Allowed, decision.ToString());
        Assert.Equal(1000, decision.Limit);
    }

    [Fact]
    public async Task With_Redis_failing_each_silo_falls_back_to_its_share_and_shares_again_when_Redis_is_back()
    {
        var time = new FakeTimeProvider();
        var redis = new FakeSharedWindow();
        var limiter = new PartnerRateLimiter(_ => Task.FromResult<int?>(90), time, Options, redis, new FixedSiloCount(3));

        var shared = await limiter.TryAcquireAsync("p", 1);
        Assert.Equal(RateLimitMode.Shared, shared.Mode);

        redis.Failing = true;
        // Every donation goes on while Redis fails: the first ones after the failure too.
        var fallback = await limiter.TryAcquireAsync("p", 1);
        Assert.Equal((true, RateLimitMode.Fallback), (fallback.Allowed, fallback.Mode));
        Assert.Equal(90, fallback.Limit);
        await limiter.TryAcquireAsync("p", 1);
        Assert.True(limiter.InFallback, "two failures should open the circuit");
        var callsWhileOpen = redis.Calls;

        // This silo's share is 90 ÷ 3 = 30: 2 taken, 28 left, then refused.
        Assert.True((await limiter.TryAcquireAsync("p", 28)).Allowed);
        var refused = await limiter.TryAcquireAsync("p", 1);
        Assert.Equal((false, RateLimitMode.Fallback), (refused.Allowed, refused.Mode));
        Assert.Equal(callsWhileOpen, redis.Calls); // the open circuit does not ask Redis

        redis.Failing = false;
        time.Advance(TimeSpan.FromSeconds(1.1));
        var probe = await limiter.TryAcquireAsync("p", 1);
        Assert.Equal(RateLimitMode.Shared, probe.Mode);
        Assert.False(limiter.InFallback, "a successful probe should close the circuit");
        Assert.Equal(RateLimitMode.Shared, (await limiter.TryAcquireAsync("p", 1)).Mode);
    }

    [Fact]
    public async Task A_Redis_call_slower_than_the_timeout_is_decided_locally()
    {
        var time = new FakeTimeProvider();
        var redis = new FakeSharedWindow { Stalled = true };
        var limiter = new PartnerRateLimiter(_ => Task.FromResult<int?>(90), time, Options, redis, new FixedSiloCount(3));

        var pending = limiter.TryAcquireAsync("p", 1).AsTask();
        Assert.False(pending.IsCompleted, "the decision should wait for Redis up to the timeout");
        time.Advance(TimeSpan.FromMilliseconds(Options.RedisTimeoutMs));
        var decision = await pending.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((true, RateLimitMode.Fallback), (decision.Allowed, decision.Mode));
    }

    [Fact]
    public void The_headers_follow_the_draft_structured_field_syntax()
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        RateLimitHeaders.Write(context.Response, new RateDecision(true, 100, 63, 37, 1, 0, RateLimitMode.Shared));

        Assert.Equal("\"partner\";q=100;w=1", context.Response.Headers["RateLimit-Policy"].ToString());
        Assert.Equal("\"partner\";r=37;t=1", context.Response.Headers["RateLimit"].ToString());
    }

    [Theory]
    [InlineData(1_000_000.0)] // Redis: microseconds
    [InlineData(10_000_000.0)] // this silo: ticks
    public void Gcra_takes_exactly_the_limit_per_window_in_any_time_unit(double window)
    {
        const int limit = 3; // 1/3 of a window is not exact in floating point
        var (tat, now, taken) = (0.0, 5 * window, 0);
        for (var step = 0; step < 30; step++)
        {
            var (next, _, allowed) = RateGcra.Take(tat, now, limit, 1, window);
            if (allowed)
            {
                (tat, taken) = (next, taken + 1);
            }
            now += window / 10;
        }
        // A full bucket (3) plus 3 per window over the 2.9 windows that passed: 3 + 8 (the 9th is due at 3.0).
        Assert.Equal(11, taken);
    }

    private static PartnerRateLimiter Local(TimeProvider time, int limit) =>
        new(_ => Task.FromResult<int?>(limit), time, Options);

    private sealed class FixedSiloCount(int count) : ILiveSiloCount
    {
        public int Count() => count;
    }

    /// <summary>Redis as the limiter sees it: answers from an in-memory GCRA, fails, or never answers.</summary>
    private sealed class FakeSharedWindow : ISharedRateWindow
    {
        private double _tat;

        public bool Failing { get; set; }

        public bool Stalled { get; set; }

        public int Calls { get; private set; }

        public Task<SharedTake> TakeAsync(string partnerId, int limitPerSecond, int donations)
        {
            Calls++;
            if (Stalled)
            {
                return new TaskCompletionSource<SharedTake>().Task;
            }
            if (Failing)
            {
                return Task.FromException<SharedTake>(new RedisException("fake Redis is down"));
            }
            var (tat, ahead, allowed) = RateGcra.Take(_tat, 0, limitPerSecond, donations, 1_000_000);
            _tat = tat;
            return Task.FromResult(new SharedTake(allowed, (long)ahead));
        }
    }
}
