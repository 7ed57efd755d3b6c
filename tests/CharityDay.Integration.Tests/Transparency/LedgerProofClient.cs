using System.Diagnostics;
using System.Text.Json.Nodes;
using CharityDay.Domain.Transparency;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Transparency;

/// <summary>SPEC §6 over HTTP for the tests: the checkpoint listing (paged), receipts, and the verifier tool as a process.</summary>
internal static class LedgerProofClient
{
    public static async Task<List<Checkpoint>> CheckpointsAsync(ApiClient api, string campaignId, int pageSize = 100)
    {
        var all = new List<Checkpoint>();
        string? after = null;
        do
        {
            var page = await api.SendAsync(HttpMethod.Get, $"/v1/campaigns/{campaignId}/checkpoints?limit={pageSize}" + (after is null ? "" : $"&after={after}"));
            ApiClient.Ensure(page, 200);
            foreach (var item in page["items"].AsArray())
            {
                all.Add(Parse(item!));
            }
            after = page.Json?["next"]?.GetValue<string>();
        }
        while (after is not null);
        return all;
    }

    public static Checkpoint Parse(JsonNode c) => new(
        c["seq"]!.GetValue<long>(), c["firstEvent"]!.GetValue<long>(), c["lastEvent"]!.GetValue<long>(), c["count"]!.GetValue<long>(),
        c["root"]!.GetValue<string>(), c["prevHash"]!.GetValue<string>(), c["hash"]!.GetValue<string>(),
        DateTimeOffset.Parse(c["sealedAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A public read of something created a moment ago: a silo's catalog copy may not know it for up to a second (SPEC §4).</summary>
    public static async Task<ApiResponse> GetUntilFoundAsync(ApiClient api, string path)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var response = await api.SendAsync(HttpMethod.Get, path);
            if (response.Code != 404 || waited.Elapsed > TimeSpan.FromSeconds(5))
            {
                return response;
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Waits until the campaign's checkpoints seal events 1…<paramref name="lastEvent"/>.</summary>
    public static async Task<List<Checkpoint>> SealedThroughAsync(ApiClient api, string campaignId, long lastEvent, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            // A campaign created a moment ago may still be unknown to this silo's catalog copy (SPEC §4).
            var probe = await api.SendAsync(HttpMethod.Get, $"/v1/campaigns/{campaignId}/checkpoints?limit=1");
            if (probe.Code == 200)
            {
                var all = await CheckpointsAsync(api, campaignId);
                if (all.Count > 0 && all[^1].LastEvent >= lastEvent)
                {
                    return all;
                }
            }
            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"campaign {campaignId}: events 1–{lastEvent} not sealed after {timeout} ({probe})");
            }
            await Task.Delay(250);
        }
    }

    /// <summary>Runs <c>dotnet tools/CharityDay.Verify … URL CAMPAIGN files…</c> as anyone would.</summary>
    public static async Task<(int ExitCode, string Output)> RunVerifierAsync(Uri baseAddress, string campaignId, params string[] receiptFiles)
    {
        var testDir = AppContext.BaseDirectory;
        var configuration = testDir.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(HostProcess.RepositoryRoot(), "tools", "CharityDay.Verify", "bin", configuration, "net10.0", "CharityDay.Verify.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add(baseAddress.ToString());
        start.ArgumentList.Add(campaignId);
        foreach (var file in receiptFiles)
        {
            start.ArgumentList.Add(file);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout + await stderr);
    }
}
