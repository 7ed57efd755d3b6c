using CharityDay.Rehearsal.Run;

namespace CharityDay.Rehearsal.Tests;

/// <summary>A short, low-rate rehearsal against a real embedded host process: the whole pipeline, verdict and report.</summary>
public sealed class RehearsalRunTests
{
    [Fact]
    public async Task Short_rehearsal_against_an_embedded_host_passes_its_verdict_and_writes_the_report()
    {
        var outDir = Directory.CreateTempSubdirectory("charityday-rehearsal-test-").FullName;
        try
        {
            // The host's build output as a process: temp data dir, free HTTP/silo/gateway ports, our manager key.
            await using var host = await HostLauncher.StartEmbeddedAsync(outDir);

            var exit = await Rehearsal.RunAsync(new RehearsalOptions
            {
                Urls = host.Urls,
                ManagerKey = host.ManagerKey,
                Duration = TimeSpan.FromSeconds(12),
                PeakRate = 60,
                Projects = 100,
                Bots = 4,
                Seed = 11,
                OutputDir = outDir,
                VerifyTimeout = TimeSpan.FromSeconds(20),
            }, CancellationToken.None);

            var checks = File.ReadAllLines(Path.Combine(outDir, "checks.csv")).Skip(1).ToList();
            var failed = checks.Where(line => line.Contains(",False,", StringComparison.Ordinal)).ToList();
            Assert.True(exit == 0, $"exit {exit}; failed checks:\n{string.Join("\n", failed)}\nhost log:\n{Tail(Path.Combine(outDir, "host-embedded.log"))}");
            Assert.Empty(failed);
            Assert.True(checks.Count >= 15, $"only {checks.Count} checks");

            foreach (var file in new[] { "report.md", "report.html", "throughput.png", "latency.png", "pools.png", "partners.png",
                         "timeseries.csv", "latency-percentiles.csv", "pools.csv", "partners.csv", "requests.csv", "manager-actions.csv" })
            {
                var info = new FileInfo(Path.Combine(outDir, file));
                Assert.True(info.Exists && info.Length > 100, $"{file} missing or empty");
            }

            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(outDir, "throughput.png"))[..4]);
            var markdown = File.ReadAllText(Path.Combine(outDir, "report.md"));
            Assert.Contains("Verdict: **PASS**", markdown, StringComparison.Ordinal);
            Assert.Contains("![throughput.png](throughput.png)", markdown, StringComparison.Ordinal);

            // Every request of the plan is in the raw numbers, and the manager did all of its part.
            var requests = File.ReadAllLines(Path.Combine(outDir, "requests.csv")).Length - 1;
            Assert.True(requests > 150, $"only {requests} requests");
            Assert.Equal(6, File.ReadAllLines(Path.Combine(outDir, "manager-actions.csv")).Skip(1).Count(l => l.Contains(",200,", StringComparison.Ordinal)));
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    private static string Tail(string path) =>
        File.Exists(path) ? string.Join("\n", File.ReadLines(path).TakeLast(30)) : "(no log)";
}
