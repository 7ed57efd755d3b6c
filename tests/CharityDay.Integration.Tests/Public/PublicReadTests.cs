using CharityDay.Integration.Tests.Errors;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Public;

/// <summary>SPEC §4 public reads: project (with byPartner and the rollup of sub-projects), campaign, leaderboard.</summary>
public abstract class PublicReadTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task A_project_shows_every_field_its_partners_and_the_rollup_of_nested_sub_projects()
    {
        var campaign = await _api.CreateCampaignAsync();
        var root = ApiClient.NewId("p");
        Assert.Equal(201, (await _api.Manager(HttpMethod.Put, $"/v1/admin/projects/{root}",
            new { campaignId = campaign, name = "Joint fund", organization = "Foundation", goal = 1_000_000 })).Code);
        var child = await _api.CreateProjectAsync(campaign, parentProjectId: root);
        var grandchild = await _api.CreateProjectAsync(campaign, parentProjectId: child);
        var sibling = await _api.CreateProjectAsync(campaign);
        await _api.CreatePoolAsync(campaign, new() { ["budget"] = 1_000_000L, ["ratioBps"] = 5000 });
        var (partnerA, keyA) = await _api.CreatePartnerAsync();
        var (partnerB, keyB) = await _api.CreatePartnerAsync();

        Assert.Equal(201, (await _api.DonateAsync(keyA, "r1", root, "u1", 1000)).Code);
        Assert.Equal(201, (await _api.DonateAsync(keyB, "r2", root, "u2", 300)).Code);
        Assert.Equal(201, (await _api.DonateAsync(keyA, "c1", child, "u3", 200)).Code);
        Assert.Equal(201, (await _api.DonateAsync(keyB, "g1", grandchild, "u4", 100)).Code);
        Assert.Equal(201, (await _api.DonateAsync(keyA, "s1", sibling, "u5", 5000)).Code);

        var view = await _api.GetProjectAsync(root);
        Assert.True(view.Code == 200, view.ToString());
        Assert.Equal(root, view["projectId"].GetValue<string>());
        Assert.Equal(campaign, view["campaignId"].GetValue<string>());
        Assert.Equal("Joint fund", view["name"].GetValue<string>());
        Assert.Equal("Foundation", view["organization"].GetValue<string>());
        Assert.Null(view.Json!["parentProjectId"]);
        Assert.Equal(1_000_000, view.Long("goal"));
        Assert.Equal("open", view["status"].GetValue<string>());
        Assert.Equal(1300, view.Long("raised"));
        Assert.Equal(650, view.Long("matched"));
        Assert.Equal(2, view.Long("donationCount"));
        var byPartner = view["byPartner"].AsObject();
        Assert.Equal(2, byPartner.Count);
        Assert.Equal(1000, byPartner[partnerA]!.GetValue<long>());
        Assert.Equal(300, byPartner[partnerB]!.GetValue<long>());
        Assert.Equal(1600, view["rollup"]["raised"]!.GetValue<long>());
        Assert.Equal(800, view["rollup"]["matched"]!.GetValue<long>());
        Assert.Equal(4, view["rollup"]["donationCount"]!.GetValue<long>());

        var middle = await _api.GetProjectAsync(child);
        Assert.Equal(root, middle["parentProjectId"].GetValue<string>());
        Assert.Equal(200, middle.Long("raised"));
        Assert.Equal(300, middle["rollup"]["raised"]!.GetValue<long>());
        Assert.Equal(2, middle["rollup"]["donationCount"]!.GetValue<long>());

        var leaf = await _api.GetProjectAsync(grandchild);
        Assert.Equal(100, leaf["rollup"]["raised"]!.GetValue<long>());
        Assert.Equal(100, leaf["byPartner"][partnerB]!.GetValue<long>());
    }

    [Fact]
    public async Task A_campaign_shows_its_totals_projects_and_pools()
    {
        var campaign = await _api.CreateCampaignAsync();
        var p1 = await _api.CreateProjectAsync(campaign);
        var p2 = await _api.CreateProjectAsync(campaign);
        var p3 = await _api.CreateProjectAsync(campaign, status: "closed");
        var open = await _api.CreatePoolAsync(campaign, new() { ["sponsor"] = "Open sponsor", ["budget"] = 500L, ["ratioBps"] = 10000 });
        var paused = await _api.CreatePoolAsync(campaign, new() { ["sponsor"] = "Paused sponsor", ["budget"] = 700L, ["paused"] = true });
        var (_, key) = await _api.CreatePartnerAsync();
        await _api.DonateAsync(key, "d1", p1, "u1", 200);
        await _api.DonateAsync(key, "d2", p2, "u2", 400);

        var view = await _api.GetCampaignAsync(campaign);
        Assert.True(view.Code == 200, view.ToString());
        Assert.Equal(campaign, view["campaignId"].GetValue<string>());
        Assert.Equal("Campaign " + campaign, view["name"].GetValue<string>());
        Assert.Equal(600, view.Long("raised"));
        Assert.Equal(500, view.Long("matched"));
        Assert.Equal(2, view.Long("donationCount"));
        Assert.Equal(3, view.Long("projectCount"));
        var pools = view["pools"].AsArray().ToDictionary(p => p!["poolId"]!.GetValue<string>(), p => p!);
        Assert.Equal(2, pools.Count);
        Assert.Equal("Open sponsor", pools[open]["sponsor"]!.GetValue<string>());
        Assert.Equal(500, pools[open]["budget"]!.GetValue<long>());
        Assert.Equal(500, pools[open]["matched"]!.GetValue<long>());
        Assert.Equal(0, pools[open]["remaining"]!.GetValue<long>());
        Assert.False(pools[open]["paused"]!.GetValue<bool>());
        Assert.Equal(700, pools[paused]["remaining"]!.GetValue<long>());
        Assert.Equal(0, pools[paused]["matched"]!.GetValue<long>());
        Assert.True(pools[paused]["paused"]!.GetValue<bool>());

        // A live change shows in the next snapshot.
        Assert.Equal(200, (await _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{paused}", new { paused = false, budgetDelta = 300 })).Code);
        var after = (await _api.GetCampaignAsync(campaign))["pools"].AsArray().Single(p => p!["poolId"]!.GetValue<string>() == paused)!;
        Assert.False(after["paused"]!.GetValue<bool>());
        Assert.Equal(1000, after["remaining"]!.GetValue<long>());
        Assert.Equal("closed", (await _api.GetProjectAsync(p3))["status"].GetValue<string>());
    }

    [Fact]
    public async Task The_leaderboard_orders_projects_by_raised_and_defaults_to_ten()
    {
        var campaign = await _api.CreateCampaignAsync();
        var projects = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            projects.Add(await _api.CreateProjectAsync(campaign));
        }
        var (_, key) = await _api.CreatePartnerAsync();
        // Project i raises (i + 1) * 100, twice for the last one, so the order is known.
        for (var i = 0; i < projects.Count; i++)
        {
            Assert.Equal(201, (await _api.DonateAsync(key, $"d{i}", projects[i], $"u{i}", (i + 1) * 100)).Code);
        }
        Assert.Equal(201, (await _api.DonateAsync(key, "extra", projects[0], "u0", 5000)).Code);

        var board = await _api.GetLeaderboardAsync(campaign);
        Assert.True(board.Code == 200, board.ToString());
        var rows = board.Json!.AsArray();
        Assert.Equal(10, rows.Count);
        Assert.Equal(projects[0], rows[0]!["projectId"]!.GetValue<string>());
        Assert.Equal(5100, rows[0]!["raised"]!.GetValue<long>());
        Assert.Equal(projects[11], rows[1]!["projectId"]!.GetValue<string>());
        Assert.Equal("Project " + projects[11], rows[1]!["name"]!.GetValue<string>());
        Assert.Equal(1200, rows[1]!["raised"]!.GetValue<long>());
        Assert.Equal(0, rows[1]!["matched"]!.GetValue<long>());
        var raised = rows.Select(r => r!["raised"]!.GetValue<long>()).ToList();
        Assert.Equal(raised.OrderDescending(), raised);

        var one = await _api.GetLeaderboardAsync(campaign, "1");
        Assert.Equal(projects[0], Assert.Single(one.Json!.AsArray())!["projectId"]!.GetValue<string>());
        var all = await _api.GetLeaderboardAsync(campaign, "1000");
        Assert.Equal(12, all.Json!.AsArray().Count);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1.5")]
    public async Task A_bad_top_is_400(string top)
    {
        var campaign = await _api.CreateCampaignAsync();
        Problems.AssertBadRequest(await _api.SendAsync(HttpMethod.Get, $"/v1/campaigns/{campaign}/leaderboard?top={top}"), "top");
    }

    [Fact]
    public async Task Unknown_projects_and_campaigns_are_404_and_bad_ids_400()
    {
        Problems.AssertProblem(await _api.GetProjectAsync("no-such-project"), 404, "not-found", "projectId");
        Problems.AssertProblem(await _api.GetCampaignAsync("no-such-campaign"), 404, "not-found", "campaignId");
        Problems.AssertProblem(await _api.GetLeaderboardAsync("no-such-campaign"), 404, "not-found", "campaignId");
        Problems.AssertBadRequest(await _api.SendAsync(HttpMethod.Get, "/v1/projects/a%20b"), "projectId");
        Problems.AssertBadRequest(await _api.SendAsync(HttpMethod.Get, $"/v1/campaigns/{new string('x', 129)}"), "campaignId");
        Problems.AssertBadRequest(await _api.SendAsync(HttpMethod.Get, "/v1/campaigns/%C3%A9/leaderboard"), "campaignId");
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedPublicReadTests(EmbeddedDeployment deployment) : PublicReadTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresPublicReadTests(PostgresClusterDeployment deployment) : PublicReadTests(deployment);
