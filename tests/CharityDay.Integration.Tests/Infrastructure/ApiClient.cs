using System.Diagnostics;
using System.Globalization;
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

    /// <summary>
    /// SPEC §4 public reads: the <c>CharityDay-Snapshot-At</c> instant the answer was taken at (every write
    /// acknowledged before it is included), or null when the header is missing or unreadable.
    /// </summary>
    public DateTimeOffset? SnapshotAt =>
        Headers.TryGetValues(ApiClient.SnapshotAtHeader, out var values)
        && DateTimeOffset.TryParse(values.FirstOrDefault(), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : null;

    public override string ToString() => $"{Code} {Body}";
}

/// <summary>The audit log as read page by page: its entries and every page's body text.</summary>
public sealed record AuditLogRead(IReadOnlyList<JsonNode> Items, string Body)
{
    public IEnumerable<JsonNode> Of(string action) => Items.Where(e => e["action"]!.GetValue<string>() == action);
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
        // The deployment's clients are shared: never dispose one here.
        return await ReadAsync(deployment.Client(), request);
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

    /// <summary>Every audit entry the key may see (optionally of one campaign), oldest first, following SPEC §4's pages.</summary>
    public async Task<AuditLogRead> AuditAsync(string? campaignId = null, string? key = null)
    {
        var items = new List<JsonNode>();
        var bodies = new StringBuilder();
        string? next = null;
        do
        {
            var query = new List<string> { "limit=1000" };
            if (campaignId is not null)
            {
                query.Add($"campaignId={Uri.EscapeDataString(campaignId)}");
            }
            if (next is not null)
            {
                query.Add($"after={Uri.EscapeDataString(next)}");
            }
            var page = await SendAsync(HttpMethod.Get, "/v1/admin/audit?" + string.Join('&', query), key: key ?? Deployment.ManagerKey);
            Ensure(page, 200);
            items.AddRange(page["items"].AsArray().Select(e => e!));
            bodies.Append(page.Body);
            next = page.Json!["next"]?.GetValue<string>();
        }
        while (next is not null);
        return new AuditLogRead(items, bodies.ToString());
    }

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

    /// <summary>
    /// A partner and its key. Its <c>rateLimit</c> is the API's highest unless a test asks for another: the
    /// floods of other tests (16 batches of 1,000 at once) must meet the campaign's bounds, not the
    /// default partner limit (2,000/s). Tests of the default create their partner without it.
    /// </summary>
    public async Task<(string PartnerId, string Secret)> CreatePartnerAsync(int rateLimit = 10_000_000)
    {
        var partnerId = NewId("partner");
        Ensure(await Manager(HttpMethod.Put, $"/v1/admin/partners/{partnerId}", new { name = "Partner " + partnerId, rateLimit }), 201);
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

    /// <summary>The header of every public read answer (200 and 404): the instant its snapshot was taken.</summary>
    public const string SnapshotAtHeader = "CharityDay-Snapshot-At";

    /// <summary>How long a fresh read waits for a snapshot that includes what the test wrote (the snapshot is at most ~1 s old).</summary>
    public static readonly TimeSpan FreshReadTimeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan FreshReadInterval = TimeSpan.FromMilliseconds(25);

    /// <summary>A fresh read of a project's public page: see <see cref="GetPublicFreshAsync"/>.</summary>
    public Task<ApiResponse> GetProjectAsync(string projectId, HttpClient? client = null, DateTimeOffset? since = null) =>
        GetPublicFreshAsync($"/v1/projects/{projectId}", client: client, since: since);

    /// <summary>A fresh read of a campaign's public page: see <see cref="GetPublicFreshAsync"/>.</summary>
    public Task<ApiResponse> GetCampaignAsync(string campaignId, HttpClient? client = null, DateTimeOffset? since = null) =>
        GetPublicFreshAsync($"/v1/campaigns/{campaignId}", client: client, since: since);

    /// <summary>A fresh read of a campaign's leaderboard (<paramref name="top"/> is sent as given, so a test can send a bad one).</summary>
    public Task<ApiResponse> GetLeaderboardAsync(string campaignId, string? top = null, HttpClient? client = null, DateTimeOffset? since = null) =>
        GetPublicFreshAsync($"/v1/campaigns/{campaignId}/leaderboard" + (top is null ? "" : $"?top={top}"), client: client, since: since);

    /// <summary>
    /// A public read (SPEC §4) that sees every write the test had seen acknowledged: public reads are
    /// served from a snapshot up to ~1 s old, so this GETs until the answer's
    /// <c>CharityDay-Snapshot-At</c> is at or after <paramref name="since"/> (default: now, before the
    /// first attempt), every ~25 ms, for up to <see cref="FreshReadTimeout"/>; then it returns the last
    /// answer, whatever it is, for the test's own assertion to judge. A 400 is returned at once: it is
    /// about the request, not the state, and carries no snapshot.
    /// </summary>
    public Task<ApiResponse> GetPublicFreshAsync(string path, string? key = null, HttpClient? client = null, DateTimeOffset? since = null) =>
        GetFreshAsync(() => SendAsync(HttpMethod.Get, path, key: key, client: client), since);

    /// <summary><see cref="GetPublicFreshAsync"/> on a client of the test's own (one silo, no deployment).</summary>
    public static Task<ApiResponse> GetPublicFreshAsync(HttpClient client, string path, DateTimeOffset? since = null) =>
        GetFreshAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            return await ReadAsync(client, request);
        }, since);

    private static async Task<ApiResponse> GetFreshAsync(Func<Task<ApiResponse>> get, DateTimeOffset? since)
    {
        var notBefore = since ?? DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var response = await get();
            if (response.Code == 400 || response.SnapshotAt >= notBefore || clock.Elapsed >= FreshReadTimeout)
            {
                return response;
            }
            await Task.Delay(FreshReadInterval);
        }
    }

    public Task<ApiResponse> GetPoolAsync(string poolId) => Manager(HttpMethod.Get, $"/v1/admin/pools/{poolId}");

    public static void Ensure(ApiResponse response, int expected)
    {
        if (response.Code != expected)
        {
            throw new Xunit.Sdk.XunitException($"expected HTTP {expected}, got {response}");
        }
    }
}
