using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace CharityDay.Api.Partners;

/// <summary>
/// The IETF rate-limit fields on partner donation responses (SPEC §4), in the structured-field syntax of
/// draft-ietf-httpapi-ratelimit-headers-10 (September 2025): one policy named "partner",
/// <c>RateLimit-Policy: "partner";q=100;w=1</c> (quota per 1-second window) and
/// <c>RateLimit: "partner";r=37;t=1</c> (quota left now; seconds until the bucket is full again).
/// The quota counts donations, not requests (a batch of N spends N). The draft's quota-unit parameter
/// (<c>qu</c>) only registers request, content-bytes and concurrent-requests, so it is left out rather
/// than invented; the unit is documented in the README instead.
/// </summary>
public static class RateLimitHeaders
{
    public const string Policy = "RateLimit-Policy";
    public const string Current = "RateLimit";
    public const string PolicyName = "partner";

    public static void Write(HttpResponse response, RateDecision decision)
    {
        var limit = decision.Limit.ToString(CultureInfo.InvariantCulture);
        var remaining = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        var reset = decision.ResetSeconds.ToString(CultureInfo.InvariantCulture);
        response.Headers[Policy] = $"\"{PolicyName}\";q={limit};w=1";
        response.Headers[Current] = $"\"{PolicyName}\";r={remaining};t={reset}";
    }
}
