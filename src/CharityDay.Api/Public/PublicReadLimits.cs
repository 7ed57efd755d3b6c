using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using CharityDay.Api.Http;
using CharityDay.Contracts.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace CharityDay.Api.Public;

/// <summary>CharityDay:PublicReadsPerIpPerSecond — 0 (the default) leaves public reads unlimited.</summary>
public sealed class PublicReadOptions
{
    public const int MaxPerIpPerSecond = 1_000_000;

    public int PublicReadsPerIpPerSecond { get; set; }
}

/// <summary>
/// The optional per-client limit on public reads: a token bucket per client address (an IPv6
/// client per /64, the block one subscriber is usually given, so rotating addresses within it
/// buys nothing), refilled every second, burst one second's worth. Past it: 429 problem+json with
/// Retry-After. Off by default: reads are cheap (SPEC §4: any number of anonymous readers may cost
/// CPU), and behind a load balancer every client has the balancer's address unless the forwarded
/// headers are trusted (ASPNETCORE_FORWARDEDHEADERS_ENABLED=true). Idle buckets are dropped by the
/// limiter, so memory follows the clients active in the last seconds, not every address ever seen.
/// </summary>
public static class PublicReadLimits
{
    public const string Policy = "public-reads";

    public static IServiceCollection AddPublicReadLimits(this IServiceCollection services, int perIpPerSecond)
    {
        if (perIpPerSecond is < 0 or > PublicReadOptions.MaxPerIpPerSecond)
        {
            throw new InvalidOperationException($"CharityDay:PublicReadsPerIpPerSecond must be 0 (off) to {PublicReadOptions.MaxPerIpPerSecond}, not {perIpPerSecond}");
        }
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Policy, http => perIpPerSecond == 0
                ? RateLimitPartition.GetNoLimiter(IPAddress.None)
                : RateLimitPartition.GetTokenBucketLimiter(ClientOf(http), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perIpPerSecond,
                    TokensPerPeriod = perIpPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            limiter.OnRejected = async (rejected, _) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                var http = rejected.HttpContext;
                CharityDayTelemetry.PublicReadsLimited.Add(1);
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                var problem = ApiProblem.Details(StatusCodes.Status429TooManyRequests, "public-rate-limited", "Too many public reads from this client.",
                    $"public reads are limited to {perIpPerSecond} per second per client; retry after {retryAfter} s");
                await TypedResults.Problem(problem).ExecuteAsync(http);
            };
        });
        return services;
    }

    /// <summary>The client's bucket: its address, or its /64 for IPv6 (IPv4-mapped addresses count as IPv4).</summary>
    public static IPAddress ClientOf(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress ?? IPAddress.None;
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}
