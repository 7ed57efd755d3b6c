using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Reports;

/// <summary>SPEC §6 use-of-funds reports over HTTP, for the tests.</summary>
internal static class ReportClient
{
    public const string At = "2026-09-09T10:00:00+08:00";

    public static Dictionary<string, object?> Body(string reportId, long spent, string title = "Rice delivered", object? items = null, string? evidenceUrl = null)
    {
        var body = new Dictionary<string, object?> { ["reportId"] = reportId, ["at"] = At, ["title"] = title, ["spent"] = spent };
        if (items is not null)
        {
            body["items"] = items;
        }
        if (evidenceUrl is not null)
        {
            body["evidenceUrl"] = evidenceUrl;
        }
        return body;
    }

    public static Task<ApiResponse> FileAsync(ApiClient api, string projectId, object body, string? key = null) =>
        api.SendAsync(HttpMethod.Post, $"/v1/admin/projects/{projectId}/reports", body, key ?? Deployment.ManagerKey);

    public static async Task<List<System.Text.Json.Nodes.JsonNode>> ListAllAsync(ApiClient api, string projectId, int pageSize = 100)
    {
        var all = new List<System.Text.Json.Nodes.JsonNode>();
        string? after = null;
        do
        {
            var page = await api.SendAsync(HttpMethod.Get, $"/v1/projects/{projectId}/reports?limit={pageSize}" + (after is null ? "" : $"&after={after}"));
            ApiClient.Ensure(page, 200);
            all.AddRange(page["items"].AsArray().Select(i => i!));
            after = page.Json?["next"]?.GetValue<string>();
        }
        while (after is not null);
        return all;
    }

    /// <summary>The project's spent and report count on a fresh public read.</summary>
    public static async Task<(long Spent, long Count, long Raised, long Matched)> ProjectAsync(ApiClient api, string projectId)
    {
        var project = await api.GetProjectAsync(projectId);
        ApiClient.Ensure(project, 200);
        return (project.Long("spent"), project.Long("reportCount"), project.Long("raised"), project.Long("matched"));
    }
}
