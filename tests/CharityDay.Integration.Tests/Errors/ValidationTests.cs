using System.Text;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Errors;

/// <summary>
/// SPEC §1 identifiers, §3 pool rules and §4 bodies: every invalid field is a 400 problem naming it,
/// and (§3 invariant 5) leaves the campaign, its pool and the audit log exactly as they were.
/// </summary>
public abstract class ValidationTests(Deployment deployment)
{
    private static readonly string TooLong = new('a', 129);

    private readonly ApiClient _api = deployment.Api();

    public static TheoryData<string> BadIds => new() { "", TooLong, "a/b", "a b", "é", "a%b", "a?b", "a#b", "a+b", "a,b" };

    [Theory]
    [MemberData(nameof(BadIds))]
    public async Task A_bad_identifier_in_the_path_is_400_naming_it(string id)
    {
        var escaped = Uri.EscapeDataString(id);
        var campaign = await _api.CreateCampaignAsync();
        var cases = new (HttpMethod Method, string Path, object? Body, string Field)[]
        {
            (HttpMethod.Put, $"/v1/admin/campaigns/{escaped}", new { name = "C" }, "campaignId"),
            (HttpMethod.Put, $"/v1/admin/projects/{escaped}", new { campaignId = campaign, name = "P" }, "projectId"),
            (HttpMethod.Put, $"/v1/admin/pools/{escaped}", new { campaignId = campaign, sponsor = "S", budget = 1 }, "poolId"),
            (HttpMethod.Patch, $"/v1/admin/pools/{escaped}", new { paused = true }, "poolId"),
            (HttpMethod.Get, $"/v1/admin/pools/{escaped}", null, "poolId"),
            (HttpMethod.Put, $"/v1/admin/partners/{escaped}", new { name = "P" }, "partnerId"),
            (HttpMethod.Get, $"/v1/projects/{escaped}", null, "projectId"),
            (HttpMethod.Get, $"/v1/campaigns/{escaped}", null, "campaignId"),
        };
        foreach (var (method, path, body, field) in cases)
        {
            var response = await StateSnapshot.AssertUnchangedAsync(_api, campaign, [], () => _api.SendAsync(method, path, body, Deployment.ManagerKey));
            Assert.True(response.Code == 400, $"{method} {path}: expected 400, got {response}");
            Problems.AssertBadRequest(response, field);
        }
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a/b/c")]
    public async Task An_unescaped_slash_in_a_path_id_is_400_not_a_missing_route(string id)
    {
        var campaign = await _api.CreateCampaignAsync();
        Problems.AssertBadRequest(await _api.Manager(HttpMethod.Put, $"/v1/admin/campaigns/{id}", new { name = "C" }), "campaignId");
        Problems.AssertBadRequest(await _api.Manager(HttpMethod.Put, $"/v1/admin/projects/{id}", new { campaignId = campaign, name = "P" }), "projectId");
        Problems.AssertBadRequest(await _api.Manager(HttpMethod.Put, $"/v1/admin/pools/{id}", new { campaignId = campaign, sponsor = "S", budget = 1 }), "poolId");
        Problems.AssertBadRequest(await _api.SendAsync(HttpMethod.Get, $"/v1/projects/{id}"), "projectId");
    }

    [Theory]
    [MemberData(nameof(BadIds))]
    public async Task A_bad_identifier_in_a_body_is_400_naming_it(string id)
    {
        var campaign = await _api.CreateCampaignAsync();
        var project = await _api.CreateProjectAsync(campaign);
        var pool = await _api.CreatePoolAsync(campaign, new() { ["budget"] = 100L });
        var cases = new (HttpMethod Method, string Path, object Body, string Field)[]
        {
            (HttpMethod.Put, $"/v1/admin/projects/{ApiClient.NewId("p")}", new { campaignId = id, name = "P" }, "campaignId"),
            (HttpMethod.Put, $"/v1/admin/projects/{project}", new { campaignId = campaign, name = "P", parentProjectId = id }, "parentProjectId"),
            (HttpMethod.Put, $"/v1/admin/pools/{ApiClient.NewId("pool")}", new { campaignId = id, sponsor = "S", budget = 1 }, "campaignId"),
            (HttpMethod.Put, $"/v1/admin/pools/{pool}", new { campaignId = campaign, sponsor = "S", budget = 1, projectIds = new[] { id } }, "projectIds[0]"),
            (HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { projectIds = new[] { project, id } }, "projectIds[1]"),
            (HttpMethod.Post, $"/v1/admin/pools/{pool}/clawback", new { donorId = id, reason = "farm" }, "donorId"),
            (HttpMethod.Post, "/v1/admin/keys", new { role = "partner", partnerId = id }, "partnerId"),
            (HttpMethod.Post, "/v1/admin/keys", new { role = "manager", campaignIds = new[] { id } }, "campaignIds[0]"),
        };
        foreach (var (method, path, body, field) in cases)
        {
            var response = await StateSnapshot.AssertUnchangedAsync(_api, campaign, [$"/v1/admin/pools/{pool}", $"/v1/admin/projects/{project}"],
                () => _api.Manager(method, path, body));
            Assert.True(response.Code == 400, $"{method} {path} {field}={id}: expected 400, got {response}");
            Problems.AssertBadRequest(response, field);
        }
    }

    [Theory]
    [InlineData("{\"budget\":-1}", "budget")]
    [InlineData("{\"perDonationCap\":-1}", "perDonationCap")]
    [InlineData("{\"perDonorDailyCap\":-1}", "perDonorDailyCap")]
    [InlineData("{\"perDonorDailyCount\":-1}", "perDonorDailyCount")]
    [InlineData("{\"perDonorMinuteCount\":-1}", "perDonorMinuteCount")]
    [InlineData("{\"perProjectCap\":-1}", "perProjectCap")]
    [InlineData("{\"dailyBudget\":-1}", "dailyBudget")]
    [InlineData("{\"minDonation\":-1}", "minDonation")]
    [InlineData("{\"ratioBps\":0}", "ratioBps")]
    [InlineData("{\"ratioBps\":100001}", "ratioBps")]
    [InlineData("{\"ratioBps\":-5}", "ratioBps")]
    [InlineData("{\"randomRatioBps\":{\"min\":6000,\"max\":5000}}", "randomRatioBps.max")]
    [InlineData("{\"randomRatioBps\":{\"min\":0,\"max\":5000}}", "randomRatioBps.min")]
    [InlineData("{\"randomRatioBps\":{\"min\":1,\"max\":100001}}", "randomRatioBps.max")]
    [InlineData("{\"randomRatioBps\":{\"min\":100}}", "randomRatioBps.max")]
    [InlineData("{\"randomRatioBps\":5000}", "randomRatioBps")]
    [InlineData("{\"ratioBps\":10000,\"randomRatioBps\":{\"min\":1,\"max\":2}}", "randomRatioBps")]
    [InlineData("{\"dailyOpensAt\":\"24:00\"}", "dailyOpensAt")]
    [InlineData("{\"dailyOpensAt\":\"9:00\"}", "dailyOpensAt")]
    [InlineData("{\"dailyOpensAt\":\"10:00:00\"}", "dailyOpensAt")]
    [InlineData("{\"dailyOpensAt\":\"10:60\"}", "dailyOpensAt")]
    [InlineData("{\"dailyOpensAt\":\"\"}", "dailyOpensAt")]
    [InlineData("{\"dailyOpensAt\":1000}", "dailyOpensAt")]
    [InlineData("{\"startsAt\":\"2026-09-10T00:00:00Z\",\"endsAt\":\"2026-09-10T00:00:00Z\"}", "endsAt")]
    [InlineData("{\"startsAt\":\"2026-09-11T00:00:00Z\",\"endsAt\":\"2026-09-10T00:00:00Z\"}", "endsAt")]
    [InlineData("{\"startsAt\":\"tomorrow\"}", "startsAt")]
    [InlineData("{\"startsAt\":\"09/10/2026\"}", "startsAt")]
    [InlineData("{\"endsAt\":12345}", "endsAt")]
    [InlineData("{\"budget\":\"100\"}", "budget")]
    [InlineData("{\"budget\":1.5}", "budget")]
    [InlineData("{\"budget\":true}", "budget")]
    [InlineData("{\"budget\":1e30}", "budget")]
    [InlineData("{\"paused\":\"yes\"}", "paused")]
    [InlineData("{\"paused\":1}", "paused")]
    [InlineData("{\"priority\":\"high\"}", "priority")]
    [InlineData("{\"sponsor\":5}", "sponsor")]
    [InlineData("{\"projectIds\":\"p1\"}", "projectIds")]
    [InlineData("{\"projectIds\":[5]}", "projectIds[0]")]
    public async Task An_invalid_pool_field_is_400_on_put_and_patch_and_changes_nothing(string fields, string field)
    {
        var campaign = await _api.CreateCampaignAsync();
        var pool = await _api.CreatePoolAsync(campaign, new() { ["budget"] = 1000L, ["ratioBps"] = 10000 });
        string[] paths = [$"/v1/admin/pools/{pool}"];

        // On PUT the case's fields overlay an otherwise valid body.
        var body = new System.Text.Json.Nodes.JsonObject { ["campaignId"] = campaign, ["sponsor"] = "S", ["budget"] = 500 };
        foreach (var (name, value) in System.Text.Json.Nodes.JsonNode.Parse(fields)!.AsObject())
        {
            body[name] = value?.DeepClone();
        }
        var put = body.ToJsonString();
        var onPut = await StateSnapshot.AssertUnchangedAsync(_api, campaign, paths, () => _api.Manager(HttpMethod.Put, $"/v1/admin/pools/{pool}", put));
        Problems.AssertBadRequest(onPut, field);
        var newPool = ApiClient.NewId("pool");
        var onCreate = await StateSnapshot.AssertUnchangedAsync(_api, campaign, [$"/v1/admin/pools/{newPool}"],
            () => _api.Manager(HttpMethod.Put, $"/v1/admin/pools/{newPool}", put));
        Problems.AssertBadRequest(onCreate, field);

        var onPatch = await StateSnapshot.AssertUnchangedAsync(_api, campaign, paths, () => _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", fields));
        Problems.AssertBadRequest(onPatch, field);
    }

    [Theory]
    [InlineData("{}", "campaignId")]
    [InlineData("{\"campaignId\":\"CAMPAIGN\",\"sponsor\":\"S\"}", "budget")]
    public async Task A_pool_without_its_required_fields_is_400(string body, string field)
    {
        var campaign = await _api.CreateCampaignAsync();
        var pool = ApiClient.NewId("pool");
        var response = await StateSnapshot.AssertUnchangedAsync(_api, campaign, [$"/v1/admin/pools/{pool}"],
            () => _api.Manager(HttpMethod.Put, $"/v1/admin/pools/{pool}", body.Replace("CAMPAIGN", campaign, StringComparison.Ordinal)));
        Problems.AssertBadRequest(response, field);
    }

    [Theory]
    [InlineData("{\"name\":\"C\",\"timeZone\":\"Mars/Base\"}", "timeZone")]
    [InlineData("{\"name\":\"C\",\"timeZone\":\"China Standard Time\"}", "timeZone")]
    [InlineData("{\"name\":\"C\",\"timeZone\":\"\"}", "timeZone")]
    [InlineData("{\"name\":\"C\",\"timeZone\":8}", "timeZone")]
    [InlineData("{\"name\":\"C\",\"startsAt\":\"2026-09-10T00:00:00Z\",\"endsAt\":\"2026-09-10T00:00:00Z\"}", "endsAt")]
    [InlineData("{\"name\":\"C\",\"startsAt\":\"2026-09-10T08:00:00+08:00\",\"endsAt\":\"2026-09-10T00:00:00Z\"}", "endsAt")]
    [InlineData("{\"name\":\"C\",\"startsAt\":\"2026-13-45T00:00:00Z\"}", "startsAt")]
    [InlineData("{\"name\":\"C\",\"endsAt\":\"soon\"}", "endsAt")]
    [InlineData("{}", "name")]
    [InlineData("{\"name\":\"\"}", "name")]
    [InlineData("{\"name\":5}", "name")]
    [InlineData("{\"name\":[\"C\"]}", "name")]
    public async Task An_invalid_campaign_is_400_and_changes_nothing(string body, string field)
    {
        var campaign = await _api.CreateCampaignAsync();
        var replaced = await StateSnapshot.AssertUnchangedAsync(_api, campaign, [$"/v1/admin/campaigns/{campaign}"],
            () => _api.Manager(HttpMethod.Put, $"/v1/admin/campaigns/{campaign}", body));
        Problems.AssertBadRequest(replaced, field);
        var fresh = ApiClient.NewId("c");
        var created = await StateSnapshot.AssertUnchangedAsync(_api, null, [$"/v1/admin/campaigns/{fresh}"],
            () => _api.Manager(HttpMethod.Put, $"/v1/admin/campaigns/{fresh}", body));
        Problems.AssertBadRequest(created, field);
        Problems.AssertProblem(await _api.GetCampaignAsync(fresh), 404, "not-found");
    }

    [Theory]
    [InlineData("UTC")]
    [InlineData("Europe/Paris")]
    [InlineData("America/New_York")]
    public async Task An_iana_time_zone_is_accepted(string zone)
    {
        var campaign = ApiClient.NewId("c");
        var created = await _api.Manager(HttpMethod.Put, $"/v1/admin/campaigns/{campaign}", new { name = "C", timeZone = zone });
        Assert.True(created.Code == 201, created.ToString());
        Assert.Equal(zone, created["timeZone"].GetValue<string>());
    }

    [Theory]
    [InlineData("{\"name\":\"P\"}", "campaignId")]
    [InlineData("{\"campaignId\":\"CAMPAIGN\"}", "name")]
    [InlineData("{\"campaignId\":\"CAMPAIGN\",\"name\":\"P\",\"goal\":-1}", "goal")]
    [InlineData("{\"campaignId\":\"CAMPAIGN\",\"name\":\"P\",\"goal\":\"lots\"}", "goal")]
    [InlineData("{\"campaignId\":\"CAMPAIGN\",\"name\":\"P\",\"status\":\"paused\"}", "status")]
    [InlineData("{\"campaignId\":\"CAMPAIGN\",\"name\":\"P\",\"status\":true}", "status")]
    [InlineData("{\"campaignId\":\"CAMPAIGN\",\"name\":\"P\",\"organization\":7}", "organization")]
    [InlineData("{\"campaignId\":[\"CAMPAIGN\"],\"name\":\"P\"}", "campaignId")]
    public async Task An_invalid_project_is_400_and_changes_nothing(string body, string field)
    {
        var campaign = await _api.CreateCampaignAsync();
        var project = await _api.CreateProjectAsync(campaign);
        var json = body.Replace("CAMPAIGN", campaign, StringComparison.Ordinal);
        var replaced = await StateSnapshot.AssertUnchangedAsync(_api, campaign, [$"/v1/admin/projects/{project}"],
            () => _api.Manager(HttpMethod.Put, $"/v1/admin/projects/{project}", json));
        Problems.AssertBadRequest(replaced, field);
        var fresh = ApiClient.NewId("p");
        var created = await StateSnapshot.AssertUnchangedAsync(_api, campaign, [$"/v1/admin/projects/{fresh}"],
            () => _api.Manager(HttpMethod.Put, $"/v1/admin/projects/{fresh}", json));
        Problems.AssertBadRequest(created, field);
    }

    [Theory]
    [InlineData("{\"name\":")]
    [InlineData("{name:\"C\"}")]
    [InlineData("{\"name\":\"C\",}")]
    [InlineData("{\"name\":\"C\"} {}")]
    [InlineData("{\"name\":\"C\",\"name\":\"D\"}")]
    [InlineData("")]
    public async Task A_malformed_body_is_400_malformed_json(string body)
    {
        var campaign = await _api.CreateCampaignAsync();
        foreach (var (method, path) in AdminWrites(campaign))
        {
            var response = await StateSnapshot.AssertUnchangedAsync(_api, campaign, [],
                () => SendBytesAsync(method, path, Encoding.UTF8.GetBytes(body)));
            Problems.AssertProblem(response, 400, "malformed-json", "body");
        }
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"name\":\"C\"}]")]
    [InlineData("\"C\"")]
    [InlineData("5")]
    [InlineData("null")]
    [InlineData("true")]
    public async Task A_body_that_is_not_an_object_is_400(string body)
    {
        var campaign = await _api.CreateCampaignAsync();
        foreach (var (method, path) in AdminWrites(campaign))
        {
            var response = await StateSnapshot.AssertUnchangedAsync(_api, campaign, [], () => _api.Manager(method, path, body));
            Problems.AssertBadRequest(response, "body");
        }
    }

    [Fact]
    public async Task A_body_that_is_not_utf8_is_400_not_a_server_error()
    {
        var campaign = await _api.CreateCampaignAsync();
        byte[][] bodies = [[0xFF, 0xFE, (byte)'{'], [.. "{\"name\":\""u8, 0xC3, 0x28, .. "\"}"u8], [.. "{\"name\":\""u8, 0xFF, .. "\"}"u8]];
        foreach (var bytes in bodies)
        {
            foreach (var (method, path) in AdminWrites(campaign))
            {
                var response = await StateSnapshot.AssertUnchangedAsync(_api, campaign, [], () => SendBytesAsync(method, path, bytes));
                Problems.AssertProblem(response, 400, "malformed-json", "body");
            }
        }
    }

    /// <summary>One write of each admin resource, all aimed at existing things of the campaign.</summary>
    private (HttpMethod, string)[] AdminWrites(string campaign) =>
    [
        (HttpMethod.Put, $"/v1/admin/campaigns/{campaign}"),
        (HttpMethod.Put, $"/v1/admin/projects/{ApiClient.NewId("p")}"),
        (HttpMethod.Put, $"/v1/admin/pools/{ApiClient.NewId("pool")}"),
        (HttpMethod.Put, $"/v1/admin/partners/{ApiClient.NewId("partner")}"),
        (HttpMethod.Post, "/v1/admin/keys"),
    ];

    private Task<ApiResponse> SendBytesAsync(HttpMethod method, string path, byte[] body)
    {
        var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Deployment.ManagerKey);
        return _api.SendRawAsync(request);
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedValidationTests(EmbeddedDeployment deployment) : ValidationTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresValidationTests(PostgresClusterDeployment deployment) : ValidationTests(deployment);
