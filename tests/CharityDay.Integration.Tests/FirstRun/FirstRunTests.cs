using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.FirstRun;

/// <summary>
/// A new user's first run: the host reads its own appsettings.json wherever it is started from, says
/// where the console and the API docs are, and writes logs a person can read (JSON for machines).
/// </summary>
[Collection(EmbeddedCollection.Name)]
public sealed partial class FirstRunTests(EmbeddedDeployment deployment)
{
    private static string HostDirectory => Path.GetDirectoryName(HostProcess.HostDll)!;

    [Fact]
    public async Task Started_from_another_directory_the_host_reads_its_own_appsettings_and_prints_the_banner()
    {
        var elsewhere = Directory.CreateTempSubdirectory("charityday-firstrun-").FullName;
        try
        {
            await using var host = new HostProcess("first-run", new Dictionary<string, string>
            {
                ["CharityDay__DataDir"] = Path.Combine(elsewhere, "data"),
                ["CharityDay__SiloPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["CharityDay__LogFormat"] = "text",
            }) { WorkingDirectory = elsewhere };
            await host.StartAsync();
            var site = $"http://127.0.0.1:{host.HttpPort}";
            var output = await BannerAsync(host);

            Assert.Contains($"CharityDay listening on {site} (profile Embedded)", output, StringComparison.Ordinal);
            Assert.Contains($"Manager console: {site}/console", output, StringComparison.Ordinal);
            Assert.Contains($"API docs:        {site}/docs", output, StringComparison.Ordinal);
            Assert.Contains($"(OpenAPI: {site}/openapi/v1.json)", output, StringComparison.Ordinal);
            // The settings file beside the host, not one in the working directory (there is none there).
            Assert.Contains($"Settings:        {Path.Combine(HostDirectory, "appsettings.json")}", output, StringComparison.Ordinal);
            Assert.Contains($"Data:            {Path.Combine(elsewhere, "data")}", output, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(elsewhere, "appsettings.json")));

            // Text logs when asked: one readable line per entry ("15:04:05 info: Category[id] message"), no JSON.
            var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            Assert.Contains(lines, l => TextLogLine().IsMatch(l) && l.Contains("info: Microsoft.Hosting.Lifetime", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.StartsWith('{'));
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public async Task Logs_are_JSON_lines_when_the_output_is_not_a_terminal()
    {
        // The suite's host runs with its output redirected to the test, as under a service manager.
        var output = await BannerAsync(deployment.Hosts[0]);
        var logLines = output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith('{') || TextLogLine().IsMatch(l)).ToList();
        Assert.NotEmpty(logLines);
        Assert.All(logLines, l => Assert.True(l.StartsWith('{') && System.Text.Json.Nodes.JsonNode.Parse(l)?["LogLevel"] is not null, $"not a JSON log line: {l}"));
        Assert.Contains($"API docs:        http://127.0.0.1:{deployment.Hosts[0].HttpPort}/docs", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_log_format_stops_the_host_with_a_message_naming_the_setting()
    {
        await using var host = new HostProcess("bad-log-format", new Dictionary<string, string>
        {
            ["CharityDay__DataDir"] = Directory.CreateTempSubdirectory("charityday-firstrun-").FullName,
            ["CharityDay__SiloPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["CharityDay__LogFormat"] = "xml",
        });
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(host.StartAsync);
        Assert.Contains("CharityDay:LogFormat must be json, text or auto, not 'xml'", failure.Message, StringComparison.Ordinal);
        Directory.Delete(host.Environment["CharityDay__DataDir"], recursive: true);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d\d:\d\d:\d\d (trce|dbug|info|warn|fail|crit): ")]
    private static partial System.Text.RegularExpressions.Regex TextLogLine();

    /// <summary>The banner is printed once the host has started, a moment after it answers ready.</summary>
    private static async Task<string> BannerAsync(HostProcess host)
    {
        for (var i = 0; i < 100 && !host.Output.Contains("API docs:", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }
        return host.Output;
    }
}
