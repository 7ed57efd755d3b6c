using System.Diagnostics;

namespace CharityDay.Deploy.Tests;

/// <summary>
/// Runs k8s/validate/validate.mjs (kubernetes-models: the Kubernetes OpenAPI schemas and the
/// Prometheus Operator CRD schemas, offline) on YAML given on stdin. scripts/test.sh installs node
/// and npm from Debian and runs <c>npm ci --prefix k8s/validate</c>; without them the tests fail
/// and say so: a schema check that cannot run is a failed check, not a skipped one.
/// </summary>
public static class SchemaValidator
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => Stdout + Stderr;
    }

    public static string Script => Repo.PathOf("k8s", "validate", "validate.mjs");

    private static string Node =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "node"))
            .FirstOrDefault(File.Exists)
        ?? throw new Xunit.Sdk.XunitException(
            "node is not installed: it comes with Debian's 'nodejs' package (apt-get install -y nodejs npm), which scripts/test.sh installs before the tests run");

    public static async Task<Result> RunAsync(string yaml)
    {
        var node = Node;
        if (!Directory.Exists(Repo.PathOf("k8s", "validate", "node_modules", "kubernetes-models")))
        {
            throw new Xunit.Sdk.XunitException(
                "the validator's packages are not installed: run 'npm ci --prefix k8s/validate' (scripts/test.sh does)");
        }
        var start = new ProcessStartInfo(node)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Script);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(yaml);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException("k8s/validate/validate.mjs did not finish in 2 minutes");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
