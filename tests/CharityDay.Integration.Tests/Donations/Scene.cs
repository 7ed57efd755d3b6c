using System.Globalization;
using System.Text.Json.Nodes;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>
/// A fresh campaign, its projects and one partner, under new ids: each test builds its own so
/// tests sharing a deployment never see each other's money.
/// </summary>
public sealed class Scene
{
    private Scene(ApiClient api, string campaignId, IReadOnlyList<string> projects, string partnerId, string key)
    {
        Api = api;
        CampaignId = campaignId;
        Projects = projects;
        PartnerId = partnerId;
        Key = key;
    }

    public ApiClient Api { get; }

    public string CampaignId { get; }

    public IReadOnlyList<string> Projects { get; }

    public string Project => Projects[0];

    public string PartnerId { get; }

    public string Key { get; }

    public List<string> Pools { get; } = [];

    /// <param name="timeZone">Defaults to a zone whose local day cannot end during the test (see <see cref="StableZone"/>).</param>
    public static async Task<Scene> CreateAsync(ApiClient api, int projects = 1, string? timeZone = null)
    {
        var campaignId = await api.CreateCampaignAsync(timeZone ?? StableZone());
        var ids = new List<string>();
        for (var i = 0; i < projects; i++)
        {
            ids.Add(await api.CreateProjectAsync(campaignId));
        }
        var (partnerId, key) = await api.CreatePartnerAsync();
        return new Scene(api, campaignId, ids, partnerId, key);
    }

    public async Task<string> PoolAsync(Dictionary<string, object?> fields, string? poolId = null)
    {
        var id = await Api.CreatePoolAsync(CampaignId, fields, poolId);
        Pools.Add(id);
        return id;
    }

    public Task<ApiResponse> DonateAsync(string donorId, long amount, string? projectId = null, string? donationId = null, string? key = null) =>
        Api.DonateAsync(key ?? Key, donationId ?? ApiClient.NewId("d"), projectId ?? Project, donorId, amount);

    /// <summary>Posts a new donation and requires 201.</summary>
    public async Task<ApiResponse> DonateNewAsync(string donorId, long amount, string? projectId = null, string? donationId = null, string? key = null)
    {
        var response = await DonateAsync(donorId, amount, projectId, donationId, key);
        ApiClient.Ensure(response, 201);
        return response;
    }

    /// <summary>Every total this scene can observe, as one line per entity: compare two of them with Assert.Equal.</summary>
    public async Task<string> TotalsAsync()
    {
        var lines = new List<string>();
        // One instant for every public read: each includes every write acknowledged before the call (fresh reads).
        var since = DateTimeOffset.UtcNow;
        var campaign = await Api.GetCampaignAsync(CampaignId, since: since);
        ApiClient.Ensure(campaign, 200);
        lines.Add($"campaign raised={campaign.Long("raised")} matched={campaign.Long("matched")} count={campaign.Long("donationCount")}");
        foreach (var pool in campaign["pools"].AsArray())
        {
            lines.Add($"campaign.pool {pool!["poolId"]} budget={pool["budget"]} matched={pool["matched"]} remaining={pool["remaining"]}");
        }
        foreach (var projectId in Projects)
        {
            var project = await Api.GetProjectAsync(projectId, since: since);
            ApiClient.Ensure(project, 200);
            lines.Add($"project {projectId} raised={project.Long("raised")} matched={project.Long("matched")} count={project.Long("donationCount")} " +
                $"rollup={project["rollup"].ToJsonString()} byPartner={project["byPartner"].ToJsonString()}");
        }
        foreach (var poolId in Pools)
        {
            var pool = await Api.GetPoolAsync(poolId);
            ApiClient.Ensure(pool, 200);
            lines.Add($"pool {poolId} matched={pool.Long("matched")} remaining={pool.Long("remaining")} today={pool.Long("matchedToday")} n={pool.Long("matchCount")}");
        }
        return string.Join('\n', lines);
    }

    public async Task<(long Raised, long Matched, long Count)> ProjectTotalsAsync(string? projectId = null)
    {
        var project = await Api.GetProjectAsync(projectId ?? Project);
        ApiClient.Ensure(project, 200);
        return (project.Long("raised"), project.Long("matched"), project.Long("donationCount"));
    }

    public async Task<(long Matched, long Remaining)> PoolUsageAsync(string poolId)
    {
        var pool = await Api.GetPoolAsync(poolId);
        ApiClient.Ensure(pool, 200);
        return (pool.Long("matched"), pool.Long("remaining"));
    }

    /// <summary>
    /// A campaign zone whose local clock is between 02:00 and 21:00 now, so "today" (SPEC §3) and
    /// any opening time an hour either side of now stay on one local day for the whole test.
    /// </summary>
    public static string StableZone() => ZoneWhereLocalHourIsBetween(2, 21);

    public static string ZoneWhereLocalHourIsBetween(int fromHour, int toHourExclusive)
    {
        string[] candidates = ["Asia/Shanghai", "Europe/London", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "America/Los_Angeles", "Asia/Tokyo"];
        var now = DateTimeOffset.UtcNow;
        foreach (var zoneId in candidates)
        {
            var hour = TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(zoneId)).Hour;
            if (hour >= fromHour && hour < toHourExclusive)
            {
                return zoneId;
            }
        }
        throw new InvalidOperationException($"no candidate zone has a local hour in [{fromHour}, {toHourExclusive}) at {now:O}");
    }

    public static DateTime LocalNow(string zoneId) =>
        TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById(zoneId)).DateTime;

    public static string Iso(DateTimeOffset at) => at.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
}

/// <summary>Reading the matches of a donation response.</summary>
public static class Matches
{
    /// <summary>"pool:amount" in response order, reversed matches marked: compare with Assert.Equal.</summary>
    public static string Of(ApiResponse donation) => Of(donation.Json!);

    public static string Of(JsonNode donation) =>
        string.Join(',', (donation["matches"]?.AsArray() ?? []).Select(m =>
            $"{m!["poolId"]}:{m["amount"]}{(m["reversed"]?.GetValue<bool>() == true ? "(reversed)" : "")}"));

    public static string Expect(params (string PoolId, long Amount)[] matches) =>
        string.Join(',', matches.Select(m => $"{m.PoolId}:{m.Amount}"));

    /// <summary>The live match of one pool, 0 when it gave none.</summary>
    public static long From(JsonNode donation, string poolId) =>
        (donation["matches"]?.AsArray() ?? [])
            .Where(m => m!["poolId"]!.GetValue<string>() == poolId && m["reversed"]?.GetValue<bool>() != true)
            .Sum(m => m!["amount"]!.GetValue<long>());
}
