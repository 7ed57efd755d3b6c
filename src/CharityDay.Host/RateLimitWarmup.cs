using CharityDay.Api.Partners;

namespace CharityDay.Host;

/// <summary>
/// Production: connects the partner rate limiter to Redis while the silo starts, in the background —
/// Redis is a soft dependency, so a Redis that is away must not hold the silo's start.
/// </summary>
public sealed class RateLimitWarmup(PartnerRateLimiter limiter) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => limiter.WarmUpAsync(stoppingToken);
}
