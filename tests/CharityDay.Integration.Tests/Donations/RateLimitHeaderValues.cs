using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>
/// The RateLimit fields of a partner answer (draft-ietf-httpapi-ratelimit-headers-10), read strictly:
/// <c>RateLimit-Policy: "partner";q=Q;w=1</c> and <c>RateLimit: "partner";r=R;t=T</c>.
/// </summary>
public sealed partial record RateLimitHeaderValues(long Quota, long Remaining, long ResetSeconds)
{
    public static RateLimitHeaderValues Of(ApiResponse answer)
    {
        var policy = Single(answer.Headers, "RateLimit-Policy", answer);
        var current = Single(answer.Headers, "RateLimit", answer);
        var p = PolicyPattern().Match(policy);
        Assert.True(p.Success, $"RateLimit-Policy '{policy}' is not \"partner\";q=<n>;w=1 ({answer.Code})");
        var c = CurrentPattern().Match(current);
        Assert.True(c.Success, $"RateLimit '{current}' is not \"partner\";r=<n>;t=<n> ({answer.Code})");
        var values = new RateLimitHeaderValues(Parse(p, "q"), Parse(c, "r"), Parse(c, "t"));
        Assert.True(values.Remaining <= values.Quota, $"r={values.Remaining} above q={values.Quota}");
        Assert.True(values.ResetSeconds <= 1, $"t={values.ResetSeconds}: a bucket of one second's quota is full again within 1 s");
        return values;
    }

    private static string Single(HttpResponseHeaders headers, string name, ApiResponse answer) =>
        headers.TryGetValues(name, out var values) && values.ToList() is [var one]
            ? one
            : throw new Xunit.Sdk.XunitException($"no single {name} header on {answer}");

    private static long Parse(Match match, string group) => long.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex("""^"partner";q=(?<q>[0-9]+);w=1$""")]
    private static partial Regex PolicyPattern();

    [GeneratedRegex("""^"partner";r=(?<r>[0-9]+);t=(?<t>[0-9]+)$""")]
    private static partial Regex CurrentPattern();
}
