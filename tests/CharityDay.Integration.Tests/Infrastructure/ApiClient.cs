using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CharityDay.Integration.Tests.Infrastructure;

public sealed record ApiResponse(HttpStatusCode Status, JsonNode? Json, string Body, HttpResponseHeaders Headers, string? ContentType)
{
    public int Code => (int)Status;

    public JsonNode this[string name] => Json?[name] ?? throw new KeyNotFoundException($"'{name}' missing in {Body}");

    public long Long(string name) => this[name].GetValue<long>();

    public override string ToString() => $"{Code} {Body}";
}

/// <summary>Speaks SPEC §4 over HTTP to any silo of the deployment; helpers create what a test needs under fresh ids.</summary>
public sealed class ApiClient(Deployment deployment)
{
    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 128)];

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, object? body = null, string? key = null, HttpClient? client = null)
    {
        var http = client ?? deployment.Client();
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        if (body is not null)
        {
            var json = body as string ?? JsonSerializer.Serialize(body);
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        return await ReadAsync(http, request);
    }

    /// <summary>Sends a request built by the test (raw bytes, odd headers) to the next silo.</summary>
    public async Task<ApiResponse> SendRawAsync(HttpRequestMessage request)
    {
        using var http = deployment.Client();
        return await ReadAsync(http, request);
    }

    private static async Task<ApiResponse> ReadAsync(HttpClient http, HttpRequestMessage request)
    {
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? node = null;
        if (text.Length > 0)
        {
            try
            {
                node = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
            }
        }
        return new ApiResponse(response.StatusCode, node, text, response.Headers, response.Content.Headers.ContentType?.MediaType);
    }

    public Task<ApiResponse> Manager(HttpMethod method, string path, object? body = null) => SendAsync(method, path, body, Deployment.ManagerKey);

    public async Task<string> CreateCampaignAsync(string? timeZone = null, string? id = null)
    {
        id ??= NewId("c");
        var response = await Manager(HttpMethod.Put, $"/v1/admin/campaigns/{id}", new { name = "Campaign " + id, timeZone = timeZone ?? "Asia/Shanghai" });
        Ensure(response, 201);
        return id;
    }

    public async Task<string> CreateProjectAsync(string campaignId, string? parentProjectId = null, string status = "open")
    {
        var id = NewId("p");
        var response = await Manager(HttpMethod.Put, $"/v1/admin/projects/{id}", new { campaignId, name = "Project " + id, organization = "Org", parentProjectId, status });
        Ensure(response, 201);
        return id;
    }

    /// <summary>Creates a pool from the given fields (campaignId is added); defaults to 1:1.</summary>
    public async Task<string> CreatePoolAsync(string campaignId, Dictionary<string, object?> fields, string? id = null)
    {
        id ??= NewId("pool");
        var body = new Dictionary<string, object?>(fields) { ["campaignId"] = campaignId };
        body.TryAdd("sponsor", "Sponsor");
        body.TryAdd("budget", 1_000_000L);
        var response = await Manager(HttpMethod.Put, $"/v1/admin/pools/{id}", body);
        Ensure(response, 201);
        return id;
    }

    public async Task<(string PartnerId, string Secret)> CreatePartnerAsync()
    {
        var partnerId = NewId("partner");
        Ensure(await Manager(HttpMethod.Put, $"/v1/admin/partners/{partnerId}", new { name = "Partner " + partnerId }), 201);
        var key = await Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "partner", partnerId });
        Ensure(key, 201);
        return (partnerId, key["secret"].GetValue<string>());
    }

    public Task<ApiResponse> DonateAsync(string partnerKey, string donationId, string projectId, string donorId, long amount, HttpClient? client = null) =>
        SendAsync(HttpMethod.Post, "/v1/donations", new { donationId, projectId, donorId, amount }, partnerKey, client);

    public Task<ApiResponse> PostDonationAsync(string partnerKey, object body, HttpClient? client = null) =>
        SendAsync(HttpMethod.Post, "/v1/donations", body, partnerKey, client);

    public Task<ApiResponse> PostBatchAsync(string partnerKey, object body, HttpClient? client = null) =>
        SendAsync(HttpMethod.Post, "/v1/donations/batch", body, partnerKey, client);

    public Task<ApiResponse> GetDonationAsync(string partnerKey, string donationId) =>
        SendAsync(HttpMethod.Get, $"/v1/donations/{donationId}", key: partnerKey);

    public Task<ApiResponse> RefundAsync(string partnerKey, string donationId) =>
        SendAsync(HttpMethod.Post, $"/v1/donations/{donationId}/refund", key: partnerKey);

    public Task<ApiResponse> PatchPoolAsync(string poolId, object body) => Manager(HttpMethod.Patch, $"/v1/admin/pools/{poolId}", body);

    public Task<ApiResponse> ClawbackAsync(string poolId, string donorId, string reason = "scripted account") =>
        Manager(HttpMethod.Post, $"/v1/admin/pools/{poolId}/clawback", new { donorId, reason });

    public Task<ApiResponse> GetProjectAsync(string projectId) => SendAsync(HttpMethod.Get, $"/v1/projects/{projectId}");

    public Task<ApiResponse> GetCampaignAsync(string campaignId) => SendAsync(HttpMethod.Get, $"/v1/campaigns/{campaignId}");

    public Task<ApiResponse> GetPoolAsync(string poolId) => Manager(HttpMethod.Get, $"/v1/admin/pools/{poolId}");

    public static void Ensure(ApiResponse response, int expected)
    {
        if (response.Code != expected)
        {
            throw new Xunit.Sdk.XunitException($"expected HTTP {expected}, got {response}");
        }
    }
}
