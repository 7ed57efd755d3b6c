using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>
/// SPEC §3 invariant 3: a project's totals are its accepted, not refunded donations and their live
/// matches; a parent rolls up its sub-projects; the campaign is the sum of its projects.
/// </summary>
public abstract class TotalsTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task Parents_roll_up_their_sub_projects_and_the_campaign_sums_its_projects()
    {
        var scene = await Scene.CreateAsync(_api);
        var parent = scene.Project;
        var child = await _api.CreateProjectAsync(scene.CampaignId, parentProjectId: parent);
        var grandchild = await _api.CreateProjectAsync(scene.CampaignId, parentProjectId: child);
        var sibling = await _api.CreateProjectAsync(scene.CampaignId);
        var pool = await scene.PoolAsync(new() { ["ratioBps"] = 5000 });
        var (otherPartner, otherKey) = await _api.CreatePartnerAsync();

        await scene.DonateNewAsync("u1", 100, parent);
        await scene.DonateNewAsync("u2", 40, child);
        await scene.DonateNewAsync("u3", 10, grandchild, key: otherKey);
        await scene.DonateNewAsync("u4", 6, grandchild, donationId: "refunded");
        await scene.DonateNewAsync("u5", 1000, sibling);
        ApiClient.Ensure(await _api.RefundAsync(scene.Key, "refunded"), 200);

        Assert.Equal("100/50/1 rollup 150/75/3", await Line(parent));
        Assert.Equal("40/20/1 rollup 50/25/2", await Line(child));
        Assert.Equal("10/5/1 rollup 10/5/1", await Line(grandchild));
        Assert.Equal("1000/500/1 rollup 1000/500/1", await Line(sibling));
        var grandchildView = await _api.GetProjectAsync(grandchild);
        Assert.Equal($"{{\"{otherPartner}\":10}}", grandchildView["byPartner"].ToJsonString());

        var campaign = await _api.GetCampaignAsync(scene.CampaignId);
        Assert.Equal((1150L, 575L, 4L, 4L), (campaign.Long("raised"), campaign.Long("matched"), campaign.Long("donationCount"), campaign.Long("projectCount")));
        Assert.Equal((575L, 1_000_000L - 575), await scene.PoolUsageAsync(pool));

        var leaderboard = await _api.GetLeaderboardAsync(scene.CampaignId, "3");
        ApiClient.Ensure(leaderboard, 200);
        Assert.Equal($"{sibling}:1000:500,{parent}:100:50,{child}:40:20",
            string.Join(',', leaderboard.Json!.AsArray().Select(e => $"{e!["projectId"]}:{e["raised"]}:{e["matched"]}")));
    }

    private async Task<string> Line(string projectId)
    {
        var view = await _api.GetProjectAsync(projectId);
        ApiClient.Ensure(view, 200);
        var rollup = view["rollup"];
        return $"{view.Long("raised")}/{view.Long("matched")}/{view.Long("donationCount")} rollup {rollup["raised"]}/{rollup["matched"]}/{rollup["donationCount"]}";
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedTotalsTests(EmbeddedDeployment deployment) : TotalsTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresTotalsTests(PostgresClusterDeployment deployment) : TotalsTests(deployment);
