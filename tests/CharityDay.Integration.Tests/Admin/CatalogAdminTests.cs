using CharityDay.Integration.Tests.Errors;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Admin;

/// <summary>SPEC §4 PUT /v1/admin/campaigns and /v1/admin/projects: create (201), replace (200), the parent rules.</summary>
public abstract class CatalogAdminTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task A_campaign_is_created_with_201_and_replaced_with_200_echoing_its_fields()
    {
        var id = ApiClient.NewId("c");
        var created = await _api.Manager(HttpMethod.Put, $"/v1/admin/campaigns/{id}", new { name = "Autumn" });
        Assert.True(created.Code == 201, created.ToString());
        Assert.Equal(id, created["campaignId"].GetValue<string>());
        Assert.Equal("Autumn", created["name"].GetValue<string>());
        Assert.Equal("Asia/Shanghai", created["timeZone"].GetValue<string>());
        Assert.Null(created.Json!["startsAt"]);
        Assert.Null(created.Json!["endsAt"]);

        var replaced = await _api.Manager(HttpMethod.Put, $"/v1/admin/campaigns/{id}",
            new { name = "Autumn festival", timeZone = "Europe/Paris", startsAt = "2026-09-07T00:00:00+08:00", endsAt = "2026-09-10T00:00:00Z" });
        Assert.True(replaced.Code == 200, replaced.ToString());
        Assert.Equal("Autumn festival", replaced["name"].GetValue<string>());
        Assert.Equal("Europe/Paris", replaced["timeZone"].GetValue<string>());
        Assert.Equal(DateTimeOffset.Parse("2026-09-06T16:00:00Z"), replaced["startsAt"].GetValue<DateTimeOffset>());
        Assert.Equal(DateTimeOffset.Parse("2026-09-10T00:00:00Z"), replaced["endsAt"].GetValue<DateTimeOffset>());

        var admin = await _api.Manager(HttpMethod.Get, $"/v1/admin/campaigns/{id}");
        Assert.Equal(replaced.Body, admin.Body);
        var view = await _api.GetCampaignAsync(id);
        Assert.Equal("Autumn festival", view["name"].GetValue<string>());
        Assert.Equal(0, view.Long("projectCount"));

        // PUT replaces: what is left out goes back to its default.
        var again = await _api.Manager(HttpMethod.Put, $"/v1/admin/campaigns/{id}", new { name = "Plain" });
        Assert.Equal(200, again.Code);
        Assert.Equal("Asia/Shanghai", again["timeZone"].GetValue<string>());
        Assert.Null(again.Json!["startsAt"]);
    }

    [Fact]
    public async Task A_project_is_created_and_replaced_echoing_its_fields()
    {
        var campaign = await _api.CreateCampaignAsync();
        var id = ApiClient.NewId("p");
        var created = await _api.Manager(HttpMethod.Put, $"/v1/admin/projects/{id}", new { campaignId = campaign, name = "Clean water" });
        Assert.True(created.Code == 201, created.ToString());
        Assert.Equal(id, created["projectId"].GetValue<string>());
        Assert.Equal(campaign, created["campaignId"].GetValue<string>());
        Assert.Equal("Clean water", created["name"].GetValue<string>());
        Assert.Null(created.Json!["organization"]);
        Assert.Null(created.Json!["parentProjectId"]);
        Assert.Null(created.Json!["goal"]);
        Assert.Equal("open", created["status"].GetValue<string>());

        var replaced = await _api.Manager(HttpMethod.Put, $"/v1/admin/projects/{id}",
            new { campaignId = campaign, name = "Clean water 2", organization = "Water Org", goal = 5_000_000, status = "closed" });
        Assert.True(replaced.Code == 200, replaced.ToString());
        Assert.Equal("Clean water 2", replaced["name"].GetValue<string>());
        Assert.Equal("Water Org", replaced["organization"].GetValue<string>());
        Assert.Equal(5_000_000, replaced.Long("goal"));
        Assert.Equal("closed", replaced["status"].GetValue<string>());

        var admin = await _api.Manager(HttpMethod.Get, $"/v1/admin/projects/{id}");
        Assert.Equal(replaced.Body, admin.Body);
        var view = await _api.GetProjectAsync(id);
        Assert.Equal("Water Org", view["organization"].GetValue<string>());
        Assert.Equal(5_000_000, view.Long("goal"));
        Assert.Equal("closed", view["status"].GetValue<string>());
        Assert.Equal(1, (await _api.GetCampaignAsync(campaign)).Long("projectCount"));
    }

    [Fact]
    public async Task A_project_takes_a_parent_of_its_own_campaign()
    {
        var campaign = await _api.CreateCampaignAsync();
        var parent = await _api.CreateProjectAsync(campaign);
        var child = ApiClient.NewId("p");
        var created = await _api.Manager(HttpMethod.Put, $"/v1/admin/projects/{child}", new { campaignId = campaign, name = "Child", parentProjectId = parent });
        Assert.True(created.Code == 201, created.ToString());
        Assert.Equal(parent, created["parentProjectId"].GetValue<string>());

        // Re-parenting to nothing is a replace without the field.
        var detached = await _api.Manager(HttpMethod.Put, $"/v1/admin/projects/{child}", new { campaignId = campaign, name = "Child" });
        Assert.Equal(200, detached.Code);
        Assert.Null(detached.Json!["parentProjectId"]);
    }

    [Fact]
    public async Task Bad_parents_are_refused_and_change_nothing()
    {
        var campaign = await _api.CreateCampaignAsync();
        var other = await _api.CreateCampaignAsync();
        var a = await _api.CreateProjectAsync(campaign);
        var b = await _api.CreateProjectAsync(campaign, parentProjectId: a);
        var c = await _api.CreateProjectAsync(campaign, parentProjectId: b);
        var foreign = await _api.CreateProjectAsync(other);
        string[] paths = [$"/v1/admin/projects/{a}", $"/v1/admin/projects/{b}", $"/v1/admin/projects/{c}"];

        var unknown = await StateSnapshot.AssertUnchangedAsync(_api, campaign, paths,
            () => _api.Manager(HttpMethod.Put, $"/v1/admin/projects/{a}", new { campaignId = campaign, name = "A", parentProjectId = "no-such-project" }));
        Problems.AssertProblem(unknown, 404, "not-found", "parentProjectId");

        var self = await StateSnapshot.AssertUnchangedAsync(_api, campaign, paths,
            () => _api.Manager(HttpMethod.Put, $"/v1/admin/projects/{a}", new { campaignId = campaign, name = "A", parentProjectId = a }));
        Problems.AssertBadRequest(self, "parentProjectId");

        var cycle = await StateSnapshot.AssertUnchangedAsync(_api, campaign, paths,
            () => _api.Manager(HttpMethod.Put, $"/v1/admin/projects/{a}", new { campaignId = campaign, name = "A", parentProjectId = c }));
        Problems.AssertBadRequest(cycle, "parentProjectId");

        var elsewhere = await StateSnapshot.AssertUnchangedAsync(_api, campaign, paths,
            () => _api.Manager(HttpMethod.Put, $"/v1/admin/projects/{a}", new { campaignId = campaign, name = "A", parentProjectId = foreign }));
        Problems.AssertBadRequest(elsewhere, "parentProjectId");

        var newWithForeignParent = await StateSnapshot.AssertUnchangedAsync(_api, campaign, paths,
            () => _api.Manager(HttpMethod.Put, $"/v1/admin/projects/{ApiClient.NewId("p")}", new { campaignId = campaign, name = "N", parentProjectId = foreign }));
        Problems.AssertBadRequest(newWithForeignParent, "parentProjectId");
    }

    [Fact]
    public async Task A_project_cannot_move_to_another_campaign()
    {
        var campaign = await _api.CreateCampaignAsync();
        var other = await _api.CreateCampaignAsync();
        var project = await _api.CreateProjectAsync(campaign);
        var moved = await StateSnapshot.AssertUnchangedAsync(_api, campaign, [$"/v1/admin/projects/{project}"],
            () => _api.Manager(HttpMethod.Put, $"/v1/admin/projects/{project}", new { campaignId = other, name = "Moved" }));
        Problems.AssertProblem(moved, 409, "conflict", "campaignId");
        Assert.Equal(0, (await _api.GetCampaignAsync(other)).Long("projectCount"));
    }

    [Fact]
    public async Task A_project_of_an_unknown_campaign_is_404()
    {
        var id = ApiClient.NewId("p");
        var last = await StateSnapshot.LastAuditIdAsync(_api);
        var response = await _api.Manager(HttpMethod.Put, $"/v1/admin/projects/{id}", new { campaignId = "no-such-campaign", name = "P" });
        Problems.AssertProblem(response, 404, "not-found", "campaignId");
        Problems.AssertProblem(await _api.GetProjectAsync(id), 404, "not-found", "projectId");
        Problems.AssertProblem(await _api.Manager(HttpMethod.Get, $"/v1/admin/projects/{id}"), 404, "not-found", "projectId");
        Assert.Equal(last, await StateSnapshot.LastAuditIdAsync(_api));
    }

    [Fact]
    public async Task Unknown_campaigns_and_projects_are_404_on_admin_reads()
    {
        Problems.AssertProblem(await _api.Manager(HttpMethod.Get, "/v1/admin/campaigns/no-such-campaign"), 404, "not-found", "campaignId");
        Problems.AssertProblem(await _api.Manager(HttpMethod.Get, "/v1/admin/projects/no-such-project"), 404, "not-found", "projectId");
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedCatalogAdminTests(EmbeddedDeployment deployment) : CatalogAdminTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresCatalogAdminTests(PostgresClusterDeployment deployment) : CatalogAdminTests(deployment);
