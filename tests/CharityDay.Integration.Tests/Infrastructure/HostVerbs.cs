using System.Diagnostics;

namespace CharityDay.Integration.Tests.Infrastructure;

/// <summary>Runs a maintenance verb of the host (<c>verify-sums</c>, <c>audit-verify</c>) on an embedded data directory, as an operator would.</summary>
public static class HostVerbs
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string verb, string dataDir)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(HostProcess.HostDll);
        start.ArgumentList.Add(verb);
        start.Environment["CharityDay__DataDir"] = dataDir;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout + await stderr);
    }
}
