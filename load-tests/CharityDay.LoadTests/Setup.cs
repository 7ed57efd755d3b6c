using System.Globalization;
using System.Text.Json;

namespace CharityDay.LoadTests;

/// <summary>What the setup created: everything the load and the verification need.</summary>
internal sealed record BenchTarget(
    string CampaignId,
    IReadOnlyList<string> ProjectIds,
    string? PoolId,
    long PoolBudget,
    string PartnerId,
    string PartnerKeyId,
    string PartnerSecret);

/// <summary>Creates a fresh campaign, its projects, an optional pool, a partner and its key through the admin API.</summary>
internal static class Setup
{
    public static string NewRunId() =>
        string.Create(CultureInfo.InvariantCulture, $"bench-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Random.Shared.Next(0x10000):x4}");

    /// <summary>Project i of the donation load: <c>{campaignId}-p{i:D5}</c>.</summary>
    public static string ProjectPrefix(string campaignId) => $"{campaignId}-p";

    /// <summary>The parent project of scenario f's readers.</summary>
    public static string HubId(string campaignId) => $"{campaignId}-hub";

    /// <summary>Sub-project i of the hub: <c>{campaignId}-hub-c{i:D5}</c>.</summary>
    public static string HubChildPrefix(string campaignId) => $"{campaignId}-hub-c";

    public static string HubChildId(string campaignId, int i) => string.Create(CultureInfo.InvariantCulture, $"{HubChildPrefix(campaignId)}{i:D5}");

    public static async Task<BenchTarget> RunAsync(BenchOptions options, HttpClient manager, string runId, CancellationToken ct)
    {
        var campaignId = runId;
        await HttpJson.SendOkAsync(manager, HttpMethod.Put, $"v1/admin/campaigns/{campaignId}",
            HttpJson.Content(new CampaignPut($"Benchmark {runId}", "Asia/Shanghai"), WireJson.Default.CampaignPut), ct);

        var projectIds = Enumerable.Range(0, options.Projects)
            .Select(i => string.Create(CultureInfo.InvariantCulture, $"{ProjectPrefix(campaignId)}{i:D5}"))
            .ToArray();
        await Parallel.ForEachAsync(
            projectIds,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Min(16, options.Connections), CancellationToken = ct },
            async (projectId, token) => await HttpJson.SendOkAsync(manager, HttpMethod.Put, $"v1/admin/projects/{projectId}",
                HttpJson.Content(new ProjectPut(campaignId, $"Project {projectId}", "Benchmark Foundation", "open"), WireJson.Default.ProjectPut),
                token));

        if (options.HubChildren > 0)
        {
            // Scenario f: a parent project whose rollup covers many sub-projects, for the public readers.
            var hubId = HubId(campaignId);
            await HttpJson.SendOkAsync(manager, HttpMethod.Put, $"v1/admin/projects/{hubId}",
                HttpJson.Content(new ProjectPut(campaignId, $"Hub {hubId}", "Benchmark Foundation", "open"), WireJson.Default.ProjectPut), ct);
            await Parallel.ForEachAsync(
                Enumerable.Range(0, options.HubChildren),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Min(16, options.Connections), CancellationToken = ct },
                async (i, token) =>
                {
                    var childId = HubChildId(campaignId, i);
                    await HttpJson.SendOkAsync(manager, HttpMethod.Put, $"v1/admin/projects/{childId}",
                        HttpJson.Content(new ProjectPut(campaignId, $"Sub-project {childId}", "Benchmark Foundation", "open", hubId), WireJson.Default.ProjectPut),
                        token);
                });
        }

        string? poolId = null;
        if (options.CampaignPool)
        {
            poolId = $"{campaignId}-pool";
            var pool = new PoolPut(campaignId, "Benchmark Sponsor", options.PoolBudget, RatioBps: 10_000,
                PerDonorDailyCap: options.PoolDonorDailyCap > 0 ? options.PoolDonorDailyCap : null, Priority: 0, Paused: false,
                PerDonationCap: options.PoolDonationCap > 0 ? options.PoolDonationCap : null);
            await HttpJson.SendOkAsync(manager, HttpMethod.Put, $"v1/admin/pools/{poolId}", HttpJson.Content(pool, WireJson.Default.PoolPut), ct);
        }

        var partnerId = $"{campaignId}-partner";
        await HttpJson.SendOkAsync(manager, HttpMethod.Put, $"v1/admin/partners/{partnerId}",
            HttpJson.Content(new PartnerPut($"Benchmark partner {runId}"), WireJson.Default.PartnerPut), ct);

        var body = await HttpJson.SendOkAsync(manager, HttpMethod.Post, "v1/admin/keys",
            HttpJson.Content(new KeyCreate("partner", partnerId), WireJson.Default.KeyCreate), ct);
        var key = JsonSerializer.Deserialize(body, WireJson.Default.KeyCreated);
        if (string.IsNullOrEmpty(key?.Secret))
        {
            throw new ApiException($"POST v1/admin/keys returned no secret: {HttpJson.Snippet(body)}");
        }

        return new BenchTarget(campaignId, projectIds, poolId, options.PoolBudget, partnerId, key.KeyId ?? "?", key.Secret);
    }
}
