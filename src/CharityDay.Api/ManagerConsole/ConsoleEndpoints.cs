using System.Collections.Frozen;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CharityDay.Api.ManagerConsole;

/// <summary>
/// SPEC §8: the manager console at <c>/console</c>, static files embedded in this assembly (nothing
/// to install or build besides the host). The page calls the same API as everyone else with the key
/// the manager types in, so it holds no privilege of its own; the files are public.
/// </summary>
public static class ConsoleEndpoints
{
    public const string Prefix = "/console";

    private const string ResourcePrefix = "console/";

    /// <summary>
    /// Same origin only, no inline script or style, no framing: the page handles a manager key, so a
    /// script injected through data it displays (a partner's name, an audit entry) must not run.
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary();

    /// <summary>Read once at start: a fixed set of small files, so a request never names an arbitrary resource.</summary>
    private static readonly Lazy<FrozenDictionary<string, byte[]>> Files = new(LoadFiles);

    public static void MapManagerConsole(this IEndpointRouteBuilder app)
    {
        // Routing treats /console and /console/ alike; the page's relative module URLs need the slash.
        app.MapGet(Prefix, (HttpContext context) => context.Request.Path.Value!.EndsWith('/')
            ? Serve(context, "index.html")
            : Results.Redirect(Prefix + "/" + context.Request.QueryString));
        app.MapGet(Prefix + "/{file}", (HttpContext context, string file) => Serve(context, file));
    }

    private static IResult Serve(HttpContext context, string file)
    {
        if (!Files.Value.TryGetValue(file, out var bytes) || !ContentTypes.TryGetValue(Path.GetExtension(file), out var type))
        {
            return Results.NotFound();
        }
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidate on every load: after an upgrade the page and its modules must come from one version.
        headers.CacheControl = "no-cache";
        return Results.Bytes(bytes, type);
    }

    private static FrozenDictionary<string, byte[]> LoadFiles()
    {
        var assembly = typeof(ConsoleEndpoints).Assembly;
        var files = new Dictionary<string, byte[]>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[name[ResourcePrefix.Length..]] = copy.ToArray();
        }
        return files.ToFrozenDictionary();
    }
}
