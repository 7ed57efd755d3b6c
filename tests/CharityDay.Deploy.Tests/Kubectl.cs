using System.Diagnostics;

namespace CharityDay.Deploy.Tests;

/// <summary>
/// Renders a kustomization with kubectl (its built-in kustomize). scripts/test.sh installs Debian's
/// kubectl (package kubernetes-client) when none is on PATH; the manifests keep to the kustomize
/// subset that it and a current kubectl both render. Without kubectl the tests fail and say so:
/// a deployment check that cannot render is a failed check, not a skipped one.
/// </summary>
public static class Kubectl
{
    public static string Path =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator)
            .Select(dir => System.IO.Path.Combine(dir, "kubectl"))
            .FirstOrDefault(File.Exists)
        ?? throw new Xunit.Sdk.XunitException(
            "kubectl is not installed: it comes with Debian's 'kubernetes-client' package (apt-get install -y kubernetes-client), which scripts/test.sh installs before the tests run");

    public static async Task<string> KustomizeAsync(string directory)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(directory);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout;
        if (process.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"kubectl kustomize {directory} failed ({process.ExitCode}): {await stderr}");
        }
        return output;
    }

    /// <summary>The overlay rendered, as one JSON object per Kubernetes object.</summary>
    public static async Task<Manifests> RenderAsync(string overlay) =>
        new(Yaml.Documents(await KustomizeAsync(Repo.PathOf("k8s", "overlays", overlay))));
}

/// <summary>A rendered set of objects, looked up by kind and name.</summary>
public sealed class Manifests(List<JsonObject> objects)
{
    public IReadOnlyList<JsonObject> All => objects;

    public IEnumerable<JsonObject> OfKind(string kind) => objects.Where(o => (string?)o["kind"] == kind);

    public JsonObject Get(string kind, string name) =>
        OfKind(kind).SingleOrDefault(o => (string?)o["metadata"]?["name"] == name)
        ?? throw new Xunit.Sdk.XunitException($"no {kind} {name} in the rendered overlay (have: {string.Join(", ", objects.Select(Describe))})");

    public static string Describe(JsonObject o) => $"{o["kind"]}/{o["metadata"]?["name"]}";
}
