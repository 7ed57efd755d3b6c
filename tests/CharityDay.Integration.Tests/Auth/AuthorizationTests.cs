using CharityDay.Integration.Tests.Errors;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Auth;

/// <summary>SPEC §4: a key has one role (partner, manager — all campaigns or a listed set — or viewer); 403 when it lacks the role or scope.</summary>
public abstract class AuthorizationTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task A_partner_key_is_403_on_every_admin_endpoint_and_changes_nothing()
    {
        var (_, partnerKey) = await _api.CreatePartnerAsync();
        var campaign = await _api.CreateCampaignAsync();
        var project = await _api.CreateProjectAsync(campaign);
        var pool = await _api.CreatePoolAsync(campaign, new() { ["budget"] = 1000L });
        var viewer = await CreateKeyAsync(new { role = "viewer" });
        (HttpMethod, string, object?)[] reads =
        [
            (HttpMethod.Get, $"/v1/admin/pools/{pool}", null),
            (HttpMethod.Get, "/v1/admin/audit", null),
            (HttpMethod.Get, $"/v1/admin/audit?campaignId={campaign}", null),
        ];
        foreach (var (method, path, body) in AdminCalls(campaign, project, pool, viewer.KeyId).Concat(reads))
        {
            var response = await StateSnapshot.AssertUnchangedAsync(_api, campaign, [$"/v1/admin/pools/{pool}", $"/v1/admin/projects/{project}"],
                () => _api.SendAsync(method, path, body, partnerKey));
            Problems.AssertProblem(response, 403, "forbidden");
        }
    }

    [Fact]
    public async Task Manager_and_viewer_keys_are_403_on_partner_endpoints()
    {
        var campaign = await _api.CreateCampaignAsync();
        var project = await _api.CreateProjectAsync(campaign);
        var viewer = await CreateKeyAsync(new { role = "viewer" });
        foreach (var key in new[] { Deployment.ManagerKey, viewer.Secret })
        {
            var donation = new { donationId = "d1", projectId = project, donorId = "u1", amount = 100 };
            Problems.AssertProblem(await _api.SendAsync(HttpMethod.Post, "/v1/donations", donation, key), 403, "forbidden");
            Problems.AssertProblem(await _api.SendAsync(HttpMethod.Post, "/v1/donations/batch", new { donations = new[] { donation } }, key), 403, "forbidden");
            Problems.AssertProblem(await _api.SendAsync(HttpMethod.Get, "/v1/donations/d1", key: key), 403, "forbidden");
            Problems.AssertProblem(await _api.SendAsync(HttpMethod.Post, "/v1/donations/d1/refund", key: key), 403, "forbidden");
        }
        var view = await _api.GetProjectAsync(project);
        Assert.Equal(0, view.Long("raised"));
        Assert.Equal(0, view.Long("donationCount"));
    }

    [Fact]
    public async Task A_viewer_reads_pools_and_the_audit_but_cannot_change_anything()
    {
        var campaign = await _api.CreateCampaignAsync();
        var project = await _api.CreateProjectAsync(campaign);
        var pool = await _api.CreatePoolAsync(campaign, new() { ["budget"] = 1000L });
        var viewer = await CreateKeyAsync(new { role = "viewer" });
        var other = await CreateKeyAsync(new { role = "viewer" });

        var poolView = await _api.SendAsync(HttpMethod.Get, $"/v1/admin/pools/{pool}", key: viewer.Secret);
        Assert.True(poolView.Code == 200, poolView.ToString());
        Assert.Equal(1000, poolView.Long("budget"));
        Assert.Equal(3, (await _api.AuditAsync(campaign, viewer.Secret)).Items.Count);
        Assert.Equal(200, (await _api.SendAsync(HttpMethod.Get, "/v1/admin/audit", key: viewer.Secret)).Code);

        foreach (var (method, path, body) in AdminCalls(campaign, project, pool, other.KeyId))
        {
            var response = await StateSnapshot.AssertUnchangedAsync(_api, campaign, [$"/v1/admin/pools/{pool}", $"/v1/admin/projects/{project}"],
                () => _api.SendAsync(method, path, body, viewer.Secret));
            Problems.AssertProblem(response, 403, "forbidden");
        }
        // The other viewer key was not revoked.
        Assert.Equal(200, (await _api.SendAsync(HttpMethod.Get, "/v1/admin/audit", key: other.Secret)).Code);
    }

    [Fact]
    public async Task A_scoped_manager_manages_its_campaigns_only()
    {
        var mine = await _api.CreateCampaignAsync();
        var theirs = await _api.CreateCampaignAsync();
        var theirProject = await _api.CreateProjectAsync(theirs);
        var theirPool = await _api.CreatePoolAsync(theirs, new() { ["budget"] = 1000L });
        var scoped = await CreateKeyAsync(new { role = "manager", campaignIds = new[] { mine } });
        var key = scoped.Secret;

        // In scope: every manager action works and is recorded under the key's id.
        Assert.Equal(200, (await _api.SendAsync(HttpMethod.Put, $"/v1/admin/campaigns/{mine}", new { name = "Mine" }, key)).Code);
        var project = ApiClient.NewId("p");
        Assert.Equal(201, (await _api.SendAsync(HttpMethod.Put, $"/v1/admin/projects/{project}", new { campaignId = mine, name = "P" }, key)).Code);
        var pool = ApiClient.NewId("pool");
        Assert.Equal(201, (await _api.SendAsync(HttpMethod.Put, $"/v1/admin/pools/{pool}", new { campaignId = mine, sponsor = "S", budget = 500 }, key)).Code);
        Assert.Equal(200, (await _api.SendAsync(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { paused = true }, key)).Code);
        Assert.Equal(200, (await _api.SendAsync(HttpMethod.Get, $"/v1/admin/pools/{pool}", key: key)).Code);
        Assert.Equal(200, (await _api.SendAsync(HttpMethod.Post, $"/v1/admin/pools/{pool}/clawback", new { donorId = "u1", reason = "farm" }, key)).Code);
        var actions = (await _api.AuditAsync(mine, key)).Items.Where(e => e["keyId"]!.GetValue<string>() == scoped.KeyId).Select(e => e["action"]!.GetValue<string>()).ToList();
        Assert.Equal(["campaign.replace", "project.create", "pool.create", "pool.patch", "pool.clawback"], actions);

        // Out of scope: 403, and nothing changes.
        var calls = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Put, $"/v1/admin/campaigns/{theirs}", new { name = "Stolen" }),
            (HttpMethod.Put, $"/v1/admin/campaigns/{ApiClient.NewId("c")}", new { name = "New" }),
            (HttpMethod.Put, $"/v1/admin/projects/{ApiClient.NewId("p")}", new { campaignId = theirs, name = "P" }),
            (HttpMethod.Put, $"/v1/admin/projects/{theirProject}", new { campaignId = theirs, name = "Renamed" }),
            (HttpMethod.Put, $"/v1/admin/projects/{theirProject}", new { campaignId = mine, name = "Moved" }),
            (HttpMethod.Put, $"/v1/admin/pools/{ApiClient.NewId("pool")}", new { campaignId = theirs, sponsor = "S", budget = 5 }),
            (HttpMethod.Put, $"/v1/admin/pools/{theirPool}", new { campaignId = theirs, sponsor = "S", budget = 5 }),
            (HttpMethod.Put, $"/v1/admin/pools/{theirPool}", new { campaignId = mine, sponsor = "S", budget = 5 }),
            (HttpMethod.Patch, $"/v1/admin/pools/{theirPool}", new { paused = true }),
            (HttpMethod.Get, $"/v1/admin/pools/{theirPool}", null),
            (HttpMethod.Post, $"/v1/admin/pools/{theirPool}/clawback", new { donorId = "u1", reason = "farm" }),
            (HttpMethod.Get, $"/v1/admin/audit?campaignId={theirs}", null),
            (HttpMethod.Put, $"/v1/admin/partners/{ApiClient.NewId("partner")}", new { name = "P" }),
            (HttpMethod.Post, "/v1/admin/keys", new { role = "manager" }),
            (HttpMethod.Post, "/v1/admin/keys", new { role = "manager", campaignIds = new[] { mine } }),
            (HttpMethod.Delete, $"/v1/admin/keys/{scoped.KeyId}", null),
        };
        foreach (var (method, path, body) in calls)
        {
            var response = await StateSnapshot.AssertUnchangedAsync(_api, theirs, [$"/v1/admin/pools/{theirPool}", $"/v1/admin/projects/{theirProject}"],
                () => _api.SendAsync(method, path, body, key));
            Assert.True(response.Code == 403, $"{method} {path}: expected 403, got {response}");
            Problems.AssertProblem(response, 403, "forbidden");
        }

        // Its unfiltered audit view holds its own campaigns only.
        var own = (await _api.AuditAsync(key: key)).Items;
        Assert.NotEmpty(own);
        Assert.All(own, e => Assert.Equal(mine, e["campaignId"]?.GetValue<string>()));
        Assert.Equal(200, (await _api.SendAsync(HttpMethod.Get, $"/v1/admin/audit?campaignId={mine}", key: key)).Code);
    }

    [Fact]
    public async Task A_manager_scoped_to_a_campaign_that_does_not_exist_yet_may_create_it()
    {
        var campaign = ApiClient.NewId("c");
        var scoped = await CreateKeyAsync(new { role = "manager", campaignIds = new[] { campaign } });
        var created = await _api.SendAsync(HttpMethod.Put, $"/v1/admin/campaigns/{campaign}", new { name = "Fresh" }, scoped.Secret);
        Assert.True(created.Code == 201, created.ToString());
        Assert.Equal("Fresh", (await _api.GetCampaignAsync(campaign))["name"].GetValue<string>());
    }

    /// <summary>One call of each admin endpoint, with a valid body, that a key without the manager role may not make.</summary>
    private static (HttpMethod Method, string Path, object? Body)[] AdminCalls(string campaign, string project, string pool, string keyToRevoke) =>
    [
        (HttpMethod.Put, $"/v1/admin/campaigns/{campaign}", new { name = "Renamed" }),
        (HttpMethod.Put, $"/v1/admin/campaigns/{ApiClient.NewId("c")}", new { name = "New" }),
        (HttpMethod.Put, $"/v1/admin/projects/{project}", new { campaignId = campaign, name = "Renamed" }),
        (HttpMethod.Put, $"/v1/admin/pools/{pool}", new { campaignId = campaign, sponsor = "S", budget = 1 }),
        (HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { paused = true }),
        (HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { budgetDelta = 500 }),
        (HttpMethod.Post, $"/v1/admin/pools/{pool}/clawback", new { donorId = "u1", reason = "farm" }),
        (HttpMethod.Put, $"/v1/admin/partners/{ApiClient.NewId("partner")}", new { name = "P" }),
        (HttpMethod.Post, "/v1/admin/keys", new { role = "manager" }),
        (HttpMethod.Delete, $"/v1/admin/keys/{keyToRevoke}", null),
    ];

    private async Task<(string KeyId, string Secret)> CreateKeyAsync(object body)
    {
        var key = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", body);
        ApiClient.Ensure(key, 201);
        return (key["keyId"].GetValue<string>(), key["secret"].GetValue<string>());
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedAuthorizationTests(EmbeddedDeployment deployment) : AuthorizationTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresAuthorizationTests(PostgresClusterDeployment deployment) : AuthorizationTests(deployment);
