using CharityDay.Api.Partners;

namespace CharityDay.Host;

/// <summary>
/// Production: connects the partner rate limiter to Redis while the silo starts, in the background —
/// Redis is a soft dependency, so a Redis that is away must not hold the silo's start. (The limiter is
/// resolved here, not injected: building it connects, which blocks up to the connect timeout.)
/// </summary>
public sealed class RateLimitWarmup(IServiceProvider services) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        await services.GetRequiredService<PartnerRateLimiter>().WarmUpAsync(stoppingToken);
    }
}
