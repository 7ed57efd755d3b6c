using CharityDay.Integration.Tests.Errors;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Admin;

/// <summary>SPEC §4 partners and API keys: PUT /v1/admin/partners, POST /v1/admin/keys (the secret shown once).</summary>
public abstract class AccessAdminTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task A_partner_is_created_with_201_and_replaced_with_200()
    {
        var id = ApiClient.NewId("partner");
        var created = await _api.Manager(HttpMethod.Put, $"/v1/admin/partners/{id}", new { name = "Tencent" });
        Assert.True(created.Code == 201, created.ToString());
        Assert.Equal(id, created["partnerId"].GetValue<string>());
        Assert.Equal("Tencent", created["name"].GetValue<string>());

        var replaced = await _api.Manager(HttpMethod.Put, $"/v1/admin/partners/{id}", new { name = "Tencent Charity", rateLimit = 5000 });
        Assert.True(replaced.Code == 200, replaced.ToString());
        Assert.Equal("Tencent Charity", replaced["name"].GetValue<string>());
        Assert.Equal(5000, replaced.Long("rateLimit"));
    }

    [Fact]
    public async Task Bad_partners_are_refused_and_change_nothing()
    {
        var id = ApiClient.NewId("partner");
        Assert.Equal(201, (await _api.Manager(HttpMethod.Put, $"/v1/admin/partners/{id}", new { name = "Original" })).Code);
        foreach (var (body, field) in new (object Body, string Field)[]
                 {
                     (new { }, "name"),
                     (new { name = "" }, "name"),
                     (new { name = 5 }, "name"),
                     (new { name = "X", rateLimit = 0 }, "rateLimit"),
                     (new { name = "X", rateLimit = "fast" }, "rateLimit"),
                 })
        {
            var last = await StateSnapshot.LastAuditIdAsync(_api);
            Problems.AssertBadRequest(await _api.Manager(HttpMethod.Put, $"/v1/admin/partners/{id}", body), field);
            Assert.Equal(last, await StateSnapshot.LastAuditIdAsync(_api));
        }
        Problems.AssertBadRequest(await _api.Manager(HttpMethod.Put, "/v1/admin/partners/a%20b", new { name = "X" }), "partnerId");
        // The partner is as it was: a key for it still reports it by its id.
        var key = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "partner", partnerId = id });
        Assert.Equal(201, key.Code);
    }

    [Fact]
    public async Task Keys_of_each_role_are_created_with_their_secret_once()
    {
        var partner = ApiClient.NewId("partner");
        Assert.Equal(201, (await _api.Manager(HttpMethod.Put, $"/v1/admin/partners/{partner}", new { name = "P" })).Code);
        var campaign = await _api.CreateCampaignAsync();

        var partnerKey = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "partner", partnerId = partner });
        Assert.True(partnerKey.Code == 201, partnerKey.ToString());
        Assert.Equal("partner", partnerKey["role"].GetValue<string>());
        Assert.Equal(partner, partnerKey["partnerId"].GetValue<string>());
        Assert.False(string.IsNullOrEmpty(partnerKey["keyId"].GetValue<string>()));
        Assert.True(partnerKey["secret"].GetValue<string>().Length >= 32, partnerKey.Body);

        var scoped = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "manager", campaignIds = new[] { campaign } });
        Assert.True(scoped.Code == 201, scoped.ToString());
        Assert.Equal("manager", scoped["role"].GetValue<string>());
        Assert.Equal([campaign], scoped["campaignIds"].AsArray().Select(c => c!.GetValue<string>()));

        var global = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "manager" });
        Assert.Equal(201, global.Code);
        Assert.Null(global.Json!["campaignIds"]);
        var viewer = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "viewer" });
        Assert.Equal(201, viewer.Code);
        Assert.Equal("viewer", viewer["role"].GetValue<string>());

        string[] ids = [partnerKey["keyId"].GetValue<string>(), scoped["keyId"].GetValue<string>(), global["keyId"].GetValue<string>(), viewer["keyId"].GetValue<string>()];
        Assert.Equal(4, ids.Distinct().Count());

        // Each key works for its role.
        Assert.Equal(404, (await _api.SendAsync(HttpMethod.Get, "/v1/donations/none", key: partnerKey["secret"].GetValue<string>())).Code);
        Assert.Equal(201, (await _api.SendAsync(HttpMethod.Put, $"/v1/admin/campaigns/{ApiClient.NewId("c")}", new { name = "G" }, global["secret"].GetValue<string>())).Code);
        Assert.Equal(200, (await _api.SendAsync(HttpMethod.Get, "/v1/admin/audit", key: viewer["secret"].GetValue<string>())).Code);

        // The secret is never shown again: not in the audit log.
        var audit = await _api.AuditAsync();
        foreach (var key in new[] { partnerKey, scoped, global, viewer })
        {
            var secret = key["secret"].GetValue<string>();
            Assert.DoesNotContain(secret, audit.Body, StringComparison.Ordinal);
            Assert.DoesNotContain(Sha256Hex(secret), audit.Body, StringComparison.OrdinalIgnoreCase);
        }
        Assert.DoesNotContain("\"secret\":", audit.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Deployment.ManagerKey, audit.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}", "role")]
    [InlineData("{\"role\":\"admin\"}", "role")]
    [InlineData("{\"role\":5}", "role")]
    [InlineData("{\"role\":\"partner\"}", "partnerId")]
    [InlineData("{\"role\":\"partner\",\"partnerId\":\"a b\"}", "partnerId")]
    [InlineData("{\"role\":\"manager\",\"partnerId\":\"somebody\"}", "partnerId")]
    [InlineData("{\"role\":\"viewer\",\"campaignIds\":[\"c1\"]}", "campaignIds")]
    [InlineData("{\"role\":\"manager\",\"campaignIds\":\"c1\"}", "campaignIds")]
    [InlineData("{\"role\":\"manager\",\"campaignIds\":[\"a/b\"]}", "campaignIds[0]")]
    public async Task Bad_key_requests_are_400_and_create_nothing(string body, string field)
    {
        var last = await StateSnapshot.LastAuditIdAsync(_api);
        Problems.AssertBadRequest(await _api.Manager(HttpMethod.Post, "/v1/admin/keys", body), field);
        Assert.Equal(last, await StateSnapshot.LastAuditIdAsync(_api));
    }

    [Fact]
    public async Task A_partner_key_for_an_unknown_partner_is_404()
    {
        var last = await StateSnapshot.LastAuditIdAsync(_api);
        Problems.AssertProblem(await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "partner", partnerId = ApiClient.NewId("nobody") }), 404, "not-found", "partnerId");
        Assert.Equal(last, await StateSnapshot.LastAuditIdAsync(_api));
    }

    private static string Sha256Hex(string secret) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedAccessAdminTests(EmbeddedDeployment deployment) : AccessAdminTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresAccessAdminTests(PostgresClusterDeployment deployment) : AccessAdminTests(deployment);
