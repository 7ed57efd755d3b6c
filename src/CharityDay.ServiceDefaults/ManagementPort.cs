using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;

namespace CharityDay.ServiceDefaults;

/// <summary>
/// CharityDay:ManagementUrls (e.g. <c>http://0.0.0.0:9090</c>; several separated by <c>;</c>): when
/// set, <c>/metrics</c> and <c>/health/*</c> are served on those URLs only, and nothing else is — a
/// scrape or a probe never goes through the public load balancer, and the public port does not show
/// the process's internals to strangers. Unset (the default): everything on the one public port.
/// The split is by the port the connection arrived on, never by the Host header a client chose.
/// </summary>
public sealed class ManagementPort
{
    public const string Setting = "CharityDay:ManagementUrls";

    private static readonly PathString[] ManagementPaths = ["/metrics", "/health"];

    private readonly HashSet<int> _ports;

    private ManagementPort(HashSet<int> ports) => _ports = ports;

    public static ManagementPort? From(IConfiguration configuration)
    {
        var urls = Split(configuration[Setting]);
        if (urls.Length == 0)
        {
            return null;
        }
        var ports = new HashSet<int>();
        foreach (var url in urls)
        {
            ports.Add(PortOf(url) ?? throw new InvalidOperationException(
                $"{Setting}: '{url}' is not an http(s) URL with an explicit port, e.g. http://0.0.0.0:9090"));
        }
        return new ManagementPort(ports);
    }

    /// <summary>Adds the management URLs to the ones the server listens on (the public URLs stay as configured).</summary>
    public static void Listen(WebApplicationBuilder builder, string defaultPublicUrls)
    {
        if (From(builder.Configuration) is not { } management)
        {
            return;
        }
        var publicUrls = Split(builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : defaultPublicUrls);
        foreach (var url in publicUrls)
        {
            if (PortOf(url) is { } port && management._ports.Contains(port))
            {
                throw new InvalidOperationException($"{Setting} must use a port of its own; {port} is also a public URL ({url})");
            }
        }
        builder.WebHost.UseUrls([.. publicUrls, .. Split(builder.Configuration[Setting])]);
    }

    /// <summary>Answers 404 to a management path on a public port and to anything else on a management port.</summary>
    public static void Use(WebApplication app)
    {
        if (From(app.Configuration) is not { } management)
        {
            return;
        }
        app.Use((http, next) =>
        {
            var onManagementPort = management._ports.Contains(http.Connection.LocalPort);
            var path = http.Request.Path;
            var managementPath = path.StartsWithSegments(ManagementPaths[0]) || path.StartsWithSegments(ManagementPaths[1]);
            if (onManagementPort != managementPath)
            {
                return TypedResults.Problem(new ProblemDetails
                {
                    Status = StatusCodes.Status404NotFound,
                    Type = "https://charityday.dev/problems/not-found",
                    Title = "Not Found",
                    Detail = onManagementPort ? "the management port serves /metrics and /health/* only" : $"{http.Request.Path} is served on the management port only",
                }).ExecuteAsync(http);
            }
            return next(http);
        });
    }

    /// <summary>The explicit port of an http(s) URL as Kestrel takes it (wildcard hosts * and + included), or null.</summary>
    private static int? PortOf(string url)
    {
        var match = System.Text.RegularExpressions.Regex.Match(url, @"^https?://[^/]+:(\d{1,5})/?$");
        return match.Success && int.TryParse(match.Groups[1].Value, out var port) && port is > 0 and <= 65535 ? port : null;
    }

    private static string[] Split(string? urls) =>
        urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
