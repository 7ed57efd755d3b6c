using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Errors;

/// <summary>
/// What a rejected request must leave as it was (SPEC §3 invariant 5): the public and admin views
/// it could touch and the audit log. Errors are reduced to status and type (their traceId differs).
/// </summary>
public static class StateSnapshot
{
    public static Task<string> TakeAsync(ApiClient api, string? campaignId, params string[] adminPaths) =>
        TakeAsync(api, campaignId, adminPaths, []);

    /// <summary>
    /// The same, plus reads of the test's choosing: with a key (a partner's own donations), or
    /// without one (a public read, taken fresh: it sees every write acknowledged before it).
    /// </summary>
    public static async Task<string> TakeAsync(ApiClient api, string? campaignId, string[] adminPaths, IReadOnlyList<(string Path, string? Key)> reads)
    {
        var parts = new List<string>();
        if (campaignId is not null)
        {
            parts.Add("campaign: " + Describe(await api.GetCampaignAsync(campaignId)));
            parts.Add("audit: " + Describe(await api.Manager(HttpMethod.Get, $"/v1/admin/audit?campaignId={campaignId}")));
        }
        foreach (var path in adminPaths)
        {
            parts.Add($"{path}: {Describe(await api.Manager(HttpMethod.Get, path))}");
        }
        foreach (var (path, key) in reads)
        {
            var response = key is null ? await api.GetPublicFreshAsync(path) : await api.SendAsync(HttpMethod.Get, path, key: key);
            parts.Add($"{path}: {Describe(response)}");
        }
        parts.Add("last audit id: " + await LastAuditIdAsync(api));
        return string.Join('\n', parts);
    }

    /// <summary>Takes a snapshot, runs the rejected request, and checks nothing moved.</summary>
    public static Task<ApiResponse> AssertUnchangedAsync(ApiClient api, string? campaignId, string[] adminPaths, Func<Task<ApiResponse>> rejected) =>
        AssertUnchangedAsync(api, campaignId, adminPaths, [], rejected);

    /// <summary><see cref="AssertUnchangedAsync(ApiClient, string?, string[], Func{Task{ApiResponse}})"/> with reads of the test's choosing.</summary>
    public static async Task<ApiResponse> AssertUnchangedAsync(ApiClient api, string? campaignId, string[] adminPaths,
        IReadOnlyList<(string Path, string? Key)> reads, Func<Task<ApiResponse>> rejected)
    {
        var before = await TakeAsync(api, campaignId, adminPaths, reads);
        var response = await rejected();
        var after = await TakeAsync(api, campaignId, adminPaths, reads);
        Assert.True(before == after, $"a rejected request ({response.Code}) changed state:\n--- before\n{before}\n--- after\n{after}");
        return response;
    }

    public static async Task<long> LastAuditIdAsync(ApiClient api)
    {
        var head = await api.Manager(HttpMethod.Get, "/v1/admin/audit/head");
        ApiClient.Ensure(head, 200);
        return head.Long("seq");
    }

    private static string Describe(ApiResponse response) =>
        response.Code is >= 200 and < 300 ? $"{response.Code} {response.Body}" : $"{response.Code} {response.Json?["type"]}";
}
