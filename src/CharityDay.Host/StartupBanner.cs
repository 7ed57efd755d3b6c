using Microsoft.Extensions.Configuration.Json;

namespace CharityDay.Host;

/// <summary>
/// What a person starting the host needs from the first screen: where it listens, where the manager
/// console and the API docs are, which settings files it read and where the embedded data lives.
/// Printed on standard output whatever the log format, so it is never lost among log lines.
/// </summary>
public static class StartupBanner
{
    public const string ConsolePath = "/console";
    public const string DocsPath = "/docs";
    public const string OpenApiPath = "/openapi/v1.json";

    public static IReadOnlyList<string> Lines(IEnumerable<string> urls, CharityDayOptions options, IConfiguration configuration)
    {
        var managementPorts = (configuration[ServiceDefaults.ManagementPort.Setting] ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(PortOf).ToHashSet();
        var lines = new List<string>();
        var publicUrls = new List<string>();
        foreach (var url in urls)
        {
            // Kept word for word: scripts wait for this line (README).
            lines.Add($"CharityDay listening on {url} (profile {options.Profile})");
            if (!managementPorts.Contains(PortOf(url)))
            {
                publicUrls.Add(Browsable(url));
            }
        }
        if (publicUrls.Count > 0)
        {
            var site = publicUrls[0];
            lines.Add($"  Manager console: {site}{ConsolePath}  (sign in with a manager or viewer key)");
            lines.Add($"  API docs:        {site}{DocsPath}  (OpenAPI: {site}{OpenApiPath})");
        }
        var settings = SettingsFiles(configuration);
        lines.Add($"  Settings:        {(settings.Count == 0 ? "no appsettings file found; defaults and environment only" : string.Join(", ", settings))}");
        if (!options.IsProduction)
        {
            lines.Add($"  Data:            {Path.GetFullPath(options.DataDir)}");
        }
        return lines;
    }

    /// <summary>The JSON settings files that exist and were read, in the order they apply.</summary>
    public static IReadOnlyList<string> SettingsFiles(IConfiguration configuration) =>
        configuration is IConfigurationRoot root
            ? [.. root.Providers.OfType<JsonConfigurationProvider>()
                .Select(p => p.Source.FileProvider?.GetFileInfo(p.Source.Path ?? "") is { Exists: true, PhysicalPath: { } path } ? path : null)
                .OfType<string>()]
            : [];

    /// <summary>A wildcard bind address is not one a browser opens: show localhost instead.</summary>
    private static string Browsable(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return url.TrimEnd('/');
        }
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" or "+" or "*" ? "localhost" : uri.Host;
        return new UriBuilder(uri) { Host = host }.Uri.GetLeftPart(UriPartial.Authority);
    }

    private static int PortOf(string url) => Uri.TryCreate(url.Replace("://+", "://localhost").Replace("://*", "://localhost"), UriKind.Absolute, out var uri) ? uri.Port : -1;
}
