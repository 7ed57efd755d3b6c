using System.Diagnostics;

namespace CharityDay.Integration.Tests.Telemetry;

/// <summary>
/// Runs Prometheus' own promtool (Debian package "prometheus", which scripts/test.sh installs).
/// Tests never install it themselves: without it they fail and say so.
/// </summary>
public static class Promtool
{
    public static string Path =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator)
            .Select(dir => System.IO.Path.Combine(dir, "promtool"))
            .FirstOrDefault(File.Exists)
        ?? throw new Xunit.Sdk.XunitException(
            "promtool is not installed: it comes with Debian's 'prometheus' package (apt-get install -y prometheus), which scripts/test.sh installs before the tests run");

    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
