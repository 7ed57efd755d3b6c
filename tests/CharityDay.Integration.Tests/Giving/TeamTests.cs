using System.Text.Json.Nodes;
using CharityDay.Integration.Tests.Donations;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Giving;

/// <summary>SPEC §7 teams and creator fundraisers: naming a team, the team board and one team's page.</summary>
public abstract class TeamTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task A_partner_names_a_team_then_renames_it()
    {
        var scene = await Scene.CreateAsync(_api);
        var teamId = ApiClient.NewId("t");

        var created = await PutTeamAsync(scene, teamId, new { campaignId = scene.CampaignId, name = "Morning runners", goal = 50_000 });
        ApiClient.Ensure(created, 201);
        Assert.Equal($"{{\"partnerId\":\"{scene.PartnerId}\",\"teamId\":\"{teamId}\",\"campaignId\":\"{scene.CampaignId}\",\"name\":\"Morning runners\",\"goal\":50000,\"kind\":\"team\"}}",
            created.Body);

        var renamed = await PutTeamAsync(scene, teamId, new { campaignId = scene.CampaignId, name = "Live room 7", kind = "creator" });
        ApiClient.Ensure(renamed, 200);
        Assert.Equal("creator", renamed["kind"].GetValue<string>());
        Assert.Contains("\"goal\":null", renamed.Body);

        var page = await TeamPageAsync(scene, teamId, "\"creator\"");
        Assert.Equal(("Live room 7", "creator", 0L, 0L), (page["name"].GetValue<string>(), page["kind"].GetValue<string>(), page.Long("raised"), page.Long("donorCount")));
    }

    [Theory]
    [InlineData("{\"campaignId\":\"C\",\"name\":\"n\",\"nmae\":\"x\"}", "nmae")]
    [InlineData("{\"campaignId\":\"C\",\"name\":\"n\",\"kind\":\"club\"}", "kind")]
    [InlineData("{\"campaignId\":\"C\",\"name\":\"n\",\"kind\":\"Creator\"}", "kind")]
    [InlineData("{\"campaignId\":\"C\"}", "name")]
    [InlineData("{\"campaignId\":\"C\",\"name\":\"\"}", "name")]
    [InlineData("{\"campaignId\":\"C\",\"name\":\"n\",\"goal\":-1}", "goal")]
    [InlineData("{\"campaignId\":\"C\",\"name\":\"n\",\"goal\":1.5}", "goal")]
    [InlineData("{\"name\":\"n\"}", "campaignId")]
    [InlineData("{\"campaignId\":\"bad id\",\"name\":\"n\"}", "campaignId")]
    public async Task Invalid_team_bodies_are_400_naming_the_field_and_change_nothing(string body, string field)
    {
        var scene = await Scene.CreateAsync(_api);
        var teamId = ApiClient.NewId("t");
        var response = await _api.SendAsync(HttpMethod.Put, $"/v1/teams/{teamId}", body.Replace("\"C\"", $"\"{scene.CampaignId}\""), scene.Key);
        ApiClient.Ensure(response, 400);
        Assert.Contains($"\"{field}\"", response.Body);
        ApiClient.Ensure(await _api.GetPublicFreshAsync($"/v1/campaigns/{scene.CampaignId}/teams/{scene.PartnerId}/{teamId}"), 404);
    }

    [Fact]
    public async Task Team_writes_need_a_partner_key_an_existing_campaign_and_keep_a_team_in_its_campaign()
    {
        var scene = await Scene.CreateAsync(_api);
        var other = await Scene.CreateAsync(_api);
        var teamId = ApiClient.NewId("t");
        var body = new { campaignId = scene.CampaignId, name = "Team" };
        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Put, $"/v1/teams/{teamId}", body), 401);
        ApiClient.Ensure(await _api.Manager(HttpMethod.Put, $"/v1/teams/{teamId}", body), 403);
        ApiClient.Ensure(await PutTeamAsync(scene, "bad%20id", body), 400);
        ApiClient.Ensure(await PutTeamAsync(scene, teamId, new { campaignId = ApiClient.NewId("nope"), name = "Team" }), 404);
        ApiClient.Ensure(await PutTeamAsync(scene, teamId, body), 201);
        // The same partner's team id in another campaign: a team belongs to one campaign.
        var moved = await _api.SendAsync(HttpMethod.Put, $"/v1/teams/{teamId}", new { campaignId = other.CampaignId, name = "Team" }, scene.Key);
        ApiClient.Ensure(moved, 409);
        Assert.Contains("campaignId", moved.Body);
        // Another partner's team of the same id is another team.
        ApiClient.Ensure(await PutTeamAsync(other, teamId, new { campaignId = other.CampaignId, name = "Theirs" }), 201);
    }

    [Fact]
    public async Task The_board_follows_donations_refunds_and_clawbacks_and_counts_distinct_donors()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 100_000L, ["ratioBps"] = 10_000 });
        var named = ApiClient.NewId("t");
        var unnamed = ApiClient.NewId("t");
        var creator = ApiClient.NewId("t");
        var quiet = ApiClient.NewId("t");
        ApiClient.Ensure(await PutTeamAsync(scene, named, new { campaignId = scene.CampaignId, name = "Named" }), 201);
        ApiClient.Ensure(await PutTeamAsync(scene, creator, new { campaignId = scene.CampaignId, name = "Streamer", kind = "creator" }), 201);
        ApiClient.Ensure(await PutTeamAsync(scene, quiet, new { campaignId = scene.CampaignId, name = "Quiet" }), 201);

        await DonateAsync(scene, "a1", 100, named, "n1");
        await DonateAsync(scene, "a1", 200, named, "n2");
        await DonateAsync(scene, "a2", 300, named, "n3");
        await DonateAsync(scene, "b1", 250, unnamed, "u1");
        await DonateAsync(scene, "c1", 700, creator, "c1");
        await DonateAsync(scene, "z1", 50, null, "solo");

        var board = await BoardAsync(scene, "", expect: $"{creator}:700");
        Assert.Equal(
            $"{creator} Streamer creator 700/700 n=1 donors=1;{named} Named team 600/600 n=3 donors=2;{unnamed} - team 250/250 n=1 donors=1;{quiet} Quiet team 0/0 n=0 donors=0",
            Describe(board));
        Assert.Equal($"{named} Named team 600/600 n=3 donors=2", Describe(await BoardAsync(scene, "?top=1&kind=team", expect: $"{named}:600")));
        Assert.Equal($"{creator} Streamer creator 700/700 n=1 donors=1", Describe(await BoardAsync(scene, "?kind=creator", expect: $"{creator}:700")));

        // A refund takes the donation, its match and (with no other gift of theirs) its donor off the team.
        ApiClient.Ensure(await _api.RefundAsync(scene.Key, "n3"), 200);
        Assert.Equal($"{named} Named team 300/300 n=2 donors=1", Describe(await BoardAsync(scene, "?kind=team&top=1", expect: $"{named}:300")));
        // A clawback takes the matches only; the donations stay.
        ApiClient.Ensure(await _api.ClawbackAsync(pool, "a1"), 200);
        var page = await TeamPageAsync(scene, named, "\"matched\":0");
        Assert.Equal((300L, 0L, 2L, 1L), (page.Long("raised"), page.Long("matched"), page.Long("donationCount"), page.Long("donorCount")));
        Assert.Equal(scene.CampaignId, page["campaignId"].GetValue<string>());
        // A team whose only gift was refunded and that has no name leaves the board.
        ApiClient.Ensure(await _api.RefundAsync(scene.Key, "u1"), 200);
        Assert.DoesNotContain(unnamed, Describe(await BoardAsync(scene, "", expect: $"{named}:300")));
        ApiClient.Ensure(await _api.GetPublicFreshAsync($"/v1/campaigns/{scene.CampaignId}/teams/{scene.PartnerId}/{unnamed}"), 404);
    }

    [Fact]
    public async Task Board_reads_check_their_query_and_ids()
    {
        var scene = await Scene.CreateAsync(_api);
        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Get, $"/v1/campaigns/{scene.CampaignId}/teams?kind=club"), 400);
        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Get, $"/v1/campaigns/{scene.CampaignId}/teams?top=0"), 400);
        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Get, $"/v1/campaigns/{ApiClient.NewId("nope")}/teams"), 404);
        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Get, $"/v1/campaigns/{scene.CampaignId}/teams/{scene.PartnerId}/{ApiClient.NewId("t")}"), 404);
        var empty = await _api.GetPublicFreshAsync($"/v1/campaigns/{scene.CampaignId}/teams");
        ApiClient.Ensure(empty, 200);
        Assert.Equal("[]", empty.Body);
        Assert.Equal("public, max-age=1", empty.Headers.CacheControl?.ToString());
    }

    private Task<ApiResponse> PutTeamAsync(Scene scene, string teamId, object body) =>
        _api.SendAsync(HttpMethod.Put, $"/v1/teams/{teamId}", body, scene.Key);

    private async Task DonateAsync(Scene scene, string donorId, long amount, string? teamId, string donationId)
    {
        object body = teamId is null
            ? new { donationId, projectId = scene.Project, donorId, amount }
            : new { donationId, projectId = scene.Project, donorId, amount, teamId };
        ApiClient.Ensure(await _api.PostDonationAsync(scene.Key, body), 201);
    }

    /// <summary>The board once its snapshot shows <paramref name="expect"/> ("teamId:raised" of the first entry).</summary>
    private async Task<JsonArray> BoardAsync(Scene scene, string query, string expect)
    {
        var deadline = DateTime.UtcNow + ApiClient.FreshReadTimeout;
        while (true)
        {
            var response = await _api.GetPublicFreshAsync($"/v1/campaigns/{scene.CampaignId}/teams{query}");
            ApiClient.Ensure(response, 200);
            var board = response.Json!.AsArray();
            if (board.Count > 0 && $"{board[0]!["teamId"]}:{board[0]!["raised"]}" == expect || DateTime.UtcNow > deadline)
            {
                return board;
            }
            await Task.Delay(50);
        }
    }

    private async Task<ApiResponse> TeamPageAsync(Scene scene, string teamId, string expect)
    {
        var deadline = DateTime.UtcNow + ApiClient.FreshReadTimeout;
        while (true)
        {
            var response = await _api.GetPublicFreshAsync($"/v1/campaigns/{scene.CampaignId}/teams/{scene.PartnerId}/{teamId}");
            if (response.Code == 200 && response.Body.Contains(expect, StringComparison.Ordinal) || DateTime.UtcNow > deadline)
            {
                ApiClient.Ensure(response, 200);
                return response;
            }
            await Task.Delay(50);
        }
    }

    private static string Describe(JsonArray board) =>
        string.Join(';', board.Select(t => $"{t!["teamId"]} {t["name"]?.GetValue<string>() ?? "-"} {t["kind"]} {t["raised"]}/{t["matched"]} n={t["donationCount"]} donors={t["donorCount"]}"));
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedTeamTests(EmbeddedDeployment deployment) : TeamTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresTeamTests(PostgresClusterDeployment deployment) : TeamTests(deployment);
