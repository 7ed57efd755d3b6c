using CharityDay.Api.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CharityDay.Api.Partners;

/// <summary>
/// SPEC §4: every answer to a partner carries the RateLimit fields, a bad id's 400 too; a read costs
/// no quota. Runs before the identifier filter, after the key policy.
/// </summary>
public sealed class PartnerReadQuota : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (Caller.Of(http.User)?.PartnerId is { } partnerId)
        {
            var limiter = http.RequestServices.GetRequiredService<PartnerRateLimiter>();
            RateLimitHeaders.Write(http.Response, await limiter.TryAcquireAsync(partnerId, 0));
        }
        return await next(context);
    }
}
