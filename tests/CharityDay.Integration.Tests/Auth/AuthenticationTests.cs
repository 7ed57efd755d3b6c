using System.Net.Http.Headers;
using CharityDay.Integration.Tests.Errors;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Auth;

/// <summary>SPEC §4: Authorization: Bearer &lt;key&gt;; no or bad key is 401; public reads need none.</summary>
public abstract class AuthenticationTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    public static TheoryData<string, string> ProtectedEndpoints => new()
    {
        { "PUT", "/v1/admin/campaigns/c-auth" },
        { "PUT", "/v1/admin/projects/p-auth" },
        { "PUT", "/v1/admin/pools/pool-auth" },
        { "PATCH", "/v1/admin/pools/pool-auth" },
        { "GET", "/v1/admin/pools/pool-auth" },
        { "POST", "/v1/admin/pools/pool-auth/clawback" },
        { "GET", "/v1/admin/audit" },
        { "PUT", "/v1/admin/partners/partner-auth" },
        { "POST", "/v1/admin/keys" },
        { "DELETE", "/v1/admin/keys/k-auth" },
        { "POST", "/v1/donations" },
        { "POST", "/v1/donations/batch" },
        { "GET", "/v1/donations/d-auth" },
        { "POST", "/v1/donations/d-auth/refund" },
    };

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task Every_protected_endpoint_answers_401_problem_without_a_key(string method, string path)
    {
        var response = await _api.SendAsync(new HttpMethod(method), path, method is "GET" or "DELETE" ? null : new { name = "x" });
        AssertUnauthorized(response);
    }

    [Theory]
    [InlineData("Basic dGVzdDp0ZXN0")]
    [InlineData("Bearer")]
    [InlineData("Bearer    ")]
    [InlineData("Token " + Deployment.ManagerKey)]
    [InlineData(Deployment.ManagerKey)]
    [InlineData("Bearer" + Deployment.ManagerKey)]
    [InlineData("Bearer " + Deployment.ManagerKey + "x")]
    public async Task A_malformed_authorization_header_is_401(string header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/admin/audit");
        Assert.True(request.Headers.TryAddWithoutValidation("Authorization", header));
        AssertUnauthorized(await _api.SendRawAsync(request));
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("cd_knosuchkey0000_c2VjcmV0")]
    [InlineData("cd__nokeyid")]
    [InlineData("cd_a b_secret")]
    public async Task An_unknown_key_is_401(string key)
    {
        AssertUnauthorized(await _api.SendAsync(HttpMethod.Get, "/v1/admin/audit", key: key));
        AssertUnauthorized(await _api.SendAsync(HttpMethod.Put, $"/v1/admin/campaigns/{ApiClient.NewId("c")}", new { name = "x" }, key));
    }

    [Fact]
    public async Task A_real_key_id_with_a_wrong_secret_is_401()
    {
        var key = await CreateKeyAsync(new { role = "viewer" });
        var keyId = key["keyId"].GetValue<string>();
        AssertUnauthorized(await _api.SendAsync(HttpMethod.Get, "/v1/admin/audit", key: $"cd_{keyId}_wrongsecret"));
        Assert.Equal(200, (await _api.SendAsync(HttpMethod.Get, "/v1/admin/audit", key: key["secret"].GetValue<string>())).Code);
    }

    [Fact]
    public async Task A_revoked_manager_key_is_401_from_then_on()
    {
        var key = await CreateKeyAsync(new { role = "manager" });
        var secret = key["secret"].GetValue<string>();
        var keyId = key["keyId"].GetValue<string>();
        var campaign = ApiClient.NewId("c");
        Assert.Equal(201, (await _api.SendAsync(HttpMethod.Put, $"/v1/admin/campaigns/{campaign}", new { name = "before revoke" }, secret)).Code);

        var revoke = await _api.Manager(HttpMethod.Delete, $"/v1/admin/keys/{keyId}");
        Assert.True(revoke.Code == 204, $"expected 204, got {revoke}");

        // Every silo must refuse it at once: ask each several times.
        for (var i = 0; i < 6; i++)
        {
            AssertUnauthorized(await _api.SendAsync(HttpMethod.Put, $"/v1/admin/campaigns/{campaign}", new { name = "after revoke" }, secret));
            AssertUnauthorized(await _api.SendAsync(HttpMethod.Get, "/v1/admin/audit", key: secret));
        }
        var view = await _api.GetCampaignAsync(campaign);
        Assert.Equal("before revoke", view["name"].GetValue<string>());
    }

    [Fact]
    public async Task A_revoked_partner_key_cannot_post_donations()
    {
        var (_, secret) = await _api.CreatePartnerAsync();
        var campaign = await _api.CreateCampaignAsync();
        var project = await _api.CreateProjectAsync(campaign);
        Assert.Equal(201, (await _api.DonateAsync(secret, "d1", project, "u1", 100)).Code);
        var keyId = secret.Split('_')[1];
        Assert.Equal(204, (await _api.Manager(HttpMethod.Delete, $"/v1/admin/keys/{keyId}")).Code);

        AssertUnauthorized(await _api.DonateAsync(secret, "d2", project, "u1", 100));
        AssertUnauthorized(await _api.SendAsync(HttpMethod.Get, "/v1/donations/d1", key: secret));
        Assert.Equal(100, (await _api.GetProjectAsync(project)).Long("raised"));
    }

    [Fact]
    public async Task Revoking_is_idempotent_and_an_unknown_or_malformed_key_id_is_refused()
    {
        var keyId = (await CreateKeyAsync(new { role = "viewer" }))["keyId"].GetValue<string>();
        Assert.Equal(204, (await _api.Manager(HttpMethod.Delete, $"/v1/admin/keys/{keyId}")).Code);
        Assert.Equal(204, (await _api.Manager(HttpMethod.Delete, $"/v1/admin/keys/{keyId}")).Code);
        Problems.AssertProblem(await _api.Manager(HttpMethod.Delete, "/v1/admin/keys/knosuchkey"), 404, "not-found", "keyId");
        Problems.AssertBadRequest(await _api.Manager(HttpMethod.Delete, "/v1/admin/keys/a%20b"), "keyId");
    }

    [Fact]
    public async Task Public_reads_need_no_key_and_ignore_a_bad_one()
    {
        var campaign = await _api.CreateCampaignAsync();
        var project = await _api.CreateProjectAsync(campaign);
        foreach (var path in new[] { $"/v1/projects/{project}", $"/v1/campaigns/{campaign}", $"/v1/campaigns/{campaign}/leaderboard" })
        {
            var anonymous = await _api.GetPublicFreshAsync(path);
            Assert.True(anonymous.Code == 200, $"GET {path} without a key: {anonymous}");
            var badKey = await _api.GetPublicFreshAsync(path, key: "not-a-key");
            Assert.True(badKey.Code == 200, $"GET {path} with a bad key: {badKey}");
        }
    }

    private async Task<ApiResponse> CreateKeyAsync(object body)
    {
        var key = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", body);
        ApiClient.Ensure(key, 201);
        return key;
    }

    private static void AssertUnauthorized(ApiResponse response)
    {
        Problems.AssertProblem(response, 401, "unauthorized");
        Assert.True(response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer"), $"401 without WWW-Authenticate: Bearer: {response.Headers}");
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedAuthenticationTests(EmbeddedDeployment deployment) : AuthenticationTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresAuthenticationTests(PostgresClusterDeployment deployment) : AuthenticationTests(deployment);
