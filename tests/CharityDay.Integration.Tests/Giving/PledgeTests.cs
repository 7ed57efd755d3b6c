using CharityDay.Integration.Tests.Donations;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Giving;

/// <summary>SPEC §7 monthly giving: pledges, their charges as donations, pledgesOnly and firstChargeOnly pools.</summary>
public abstract class PledgeTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task A_pledge_is_created_replaced_and_cancelled_and_the_project_counts_it()
    {
        var scene = await Scene.CreateAsync(_api);
        var pledgeId = ApiClient.NewId("p");
        var created = await PutAsync(scene, pledgeId, new { projectId = scene.Project, donorId = "u1", amount = 1000, dayOfMonth = 5 });
        ApiClient.Ensure(created, 201);
        Assert.Equal(("active", 1000L, 5L, scene.CampaignId), (created["status"].GetValue<string>(), created.Long("amount"), created.Long("dayOfMonth"), created["campaignId"].GetValue<string>()));
        var again = await PutAsync(scene, pledgeId, new { projectId = scene.Project, donorId = "u1", amount = 1000, dayOfMonth = 5 });
        ApiClient.Ensure(again, 200);
        Assert.Equal(created.Body, again.Body);
        ApiClient.Ensure(await PutAsync(scene, ApiClient.NewId("p"), new { projectId = scene.Project, donorId = "u2", amount = 300, dayOfMonth = 28 }), 201);
        var raised = await PutAsync(scene, pledgeId, new { projectId = scene.Project, donorId = "u1", amount = 1500, dayOfMonth = 5 });
        ApiClient.Ensure(raised, 200);
        Assert.Equal(1500, raised.Long("amount"));
        await ProjectPledgesAsync(scene, expect: (2, 1800));

        var cancelled = await _api.SendAsync(HttpMethod.Post, $"/v1/pledges/{pledgeId}/cancel", key: scene.Key);
        ApiClient.Ensure(cancelled, 200);
        Assert.Equal("cancelled", cancelled["status"].GetValue<string>());
        var twice = await _api.SendAsync(HttpMethod.Post, $"/v1/pledges/{pledgeId}/cancel", key: scene.Key);
        ApiClient.Ensure(twice, 200);
        Assert.Equal(cancelled.Body, twice.Body);
        await ProjectPledgesAsync(scene, expect: (1, 300));
        // A cancelled pledge stays cancelled: a new pledge takes a new id.
        ApiClient.Ensure(await PutAsync(scene, pledgeId, new { projectId = scene.Project, donorId = "u1", amount = 1500, dayOfMonth = 5 }), 409);
    }

    [Theory]
    [InlineData("{\"projectId\":\"P\",\"donorId\":\"u\",\"amount\":100,\"dayOfMonth\":5,\"amout\":1}", "amout")]
    [InlineData("{\"projectId\":\"P\",\"donorId\":\"u\",\"amount\":0,\"dayOfMonth\":5}", "amount")]
    [InlineData("{\"projectId\":\"P\",\"donorId\":\"u\",\"amount\":100,\"dayOfMonth\":0}", "dayOfMonth")]
    [InlineData("{\"projectId\":\"P\",\"donorId\":\"u\",\"amount\":100,\"dayOfMonth\":32}", "dayOfMonth")]
    [InlineData("{\"projectId\":\"P\",\"donorId\":\"u\",\"amount\":100}", "dayOfMonth")]
    [InlineData("{\"projectId\":\"P\",\"amount\":100,\"dayOfMonth\":5}", "donorId")]
    [InlineData("{\"projectId\":\"P\",\"donorId\":\"u\",\"amount\":100,\"dayOfMonth\":5,\"status\":\"active\"}", "status")]
    public async Task Invalid_pledge_bodies_are_400_naming_the_field(string body, string field)
    {
        var scene = await Scene.CreateAsync(_api);
        var response = await _api.SendAsync(HttpMethod.Put, $"/v1/pledges/{ApiClient.NewId("p")}", body.Replace("\"P\"", $"\"{scene.Project}\""), scene.Key);
        ApiClient.Ensure(response, 400);
        Assert.Contains($"\"{field}\"", response.Body);
        await ProjectPledgesAsync(scene, expect: (0, 0));
    }

    [Fact]
    public async Task Pledge_writes_need_a_partner_key_and_an_existing_pledge_or_project()
    {
        var scene = await Scene.CreateAsync(_api);
        var body = new { projectId = scene.Project, donorId = "u1", amount = 100, dayOfMonth = 1 };
        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Put, $"/v1/pledges/{ApiClient.NewId("p")}", body), 401);
        ApiClient.Ensure(await _api.Manager(HttpMethod.Put, $"/v1/pledges/{ApiClient.NewId("p")}", body), 403);
        ApiClient.Ensure(await PutAsync(scene, ApiClient.NewId("p"), new { projectId = ApiClient.NewId("nope"), donorId = "u1", amount = 100, dayOfMonth = 1 }), 404);
        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Post, $"/v1/pledges/{ApiClient.NewId("p")}/cancel", key: scene.Key), 404);
        var pledgeId = ApiClient.NewId("p");
        ApiClient.Ensure(await PutAsync(scene, pledgeId, body), 201);
        var (_, otherKey) = await _api.CreatePartnerAsync();
        // Another partner's pledge of the same id is not theirs to cancel.
        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Post, $"/v1/pledges/{pledgeId}/cancel", key: otherKey), 404);
        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Post, $"/v1/pledges/{pledgeId}/cancel", new { reason = "x" }, scene.Key), 400);
    }

    [Fact]
    public async Task A_charge_must_match_its_pledge_and_a_month_is_charged_once()
    {
        var scene = await Scene.CreateAsync(_api, projects: 2);
        var pledgeId = ApiClient.NewId("p");
        ApiClient.Ensure(await PutAsync(scene, pledgeId, new { projectId = scene.Project, donorId = "u1", amount = 1000, dayOfMonth = 5 }), 201);
        var before = await scene.TotalsAsync();

        ApiClient.Ensure(await ChargeAsync(scene, "wrong-amount", pledgeId, amount: 999), 422);
        ApiClient.Ensure(await ChargeAsync(scene, "wrong-donor", pledgeId, donorId: "u2"), 422);
        ApiClient.Ensure(await ChargeAsync(scene, "wrong-project", pledgeId, projectId: scene.Projects[1]), 422);
        var unknown = await ChargeAsync(scene, "unknown", ApiClient.NewId("p"));
        ApiClient.Ensure(unknown, 422);
        Assert.Contains("pledgeId", unknown.Body);
        Assert.Equal(before, await scene.TotalsAsync());

        var charge = await ChargeAsync(scene, "month-1", pledgeId);
        ApiClient.Ensure(charge, 201);
        Assert.Equal(pledgeId, charge["pledgeId"].GetValue<string>());
        var replay = await ChargeAsync(scene, "month-1", pledgeId);
        ApiClient.Ensure(replay, 200);
        Assert.True(replay["replayed"].GetValue<bool>());
        // The same id without its pledge is another payload.
        ApiClient.Ensure(await _api.DonateAsync(scene.Key, "month-1", scene.Project, "u1", 1000), 409);
        var second = await ChargeAsync(scene, "month-1-again", pledgeId);
        ApiClient.Ensure(second, 409);
        Assert.Contains("pledge-already-charged", second.Body);
        Assert.Equal((1000L, 0L, 1L), await scene.ProjectTotalsAsync());

        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Post, $"/v1/pledges/{pledgeId}/cancel", key: scene.Key), 200);
        ApiClient.Ensure(await ChargeAsync(scene, "after-cancel", pledgeId), 422);
        ApiClient.Ensure(await ChargeAsync(scene, "month-1", pledgeId), 200);
    }

    [Fact]
    public async Task A_pledge_charged_concurrently_in_one_month_gives_exactly_one_donation()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 100_000L, ["firstChargeOnly"] = true });
        var pledgeId = ApiClient.NewId("p");
        ApiClient.Ensure(await PutAsync(scene, pledgeId, new { projectId = scene.Project, donorId = "u1", amount = 1000, dayOfMonth = 5 }), 201);

        var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => ChargeAsync(scene, $"race-{i}", pledgeId)));

        Assert.Equal(1, answers.Count(a => a.Code == 201));
        Assert.All(answers.Where(a => a.Code != 201), a => Assert.Equal(409, a.Code));
        Assert.Equal((1000L, 1000L, 1L), await scene.ProjectTotalsAsync());
        Assert.Equal((1000L, 99_000L), await scene.PoolUsageAsync(pool));
    }

    [Fact]
    public async Task PledgesOnly_and_firstChargeOnly_pools_match_pledge_gifts_only()
    {
        var scene = await Scene.CreateAsync(_api);
        var pledges = await scene.PoolAsync(new() { ["budget"] = 10_000L, ["ratioBps"] = 5_000, ["pledgesOnly"] = true }, "a-pledges-" + ApiClient.NewId("x"));
        var first = await scene.PoolAsync(new() { ["budget"] = 10_000L, ["firstChargeOnly"] = true }, "b-first-" + ApiClient.NewId("x"));
        var pool = await _api.GetPoolAsync(pledges);
        Assert.Equal((true, false), (pool["pledgesOnly"].GetValue<bool>(), pool["firstChargeOnly"].GetValue<bool>()));
        var pledgeId = ApiClient.NewId("p");
        ApiClient.Ensure(await PutAsync(scene, pledgeId, new { projectId = scene.Project, donorId = "u1", amount = 1000, dayOfMonth = 5 }), 201);

        Assert.Equal("", Matches.Of(await scene.DonateNewAsync("u1", 1000)));
        var charge = await ChargeAsync(scene, ApiClient.NewId("d"), pledgeId);
        ApiClient.Ensure(charge, 201);
        Assert.Equal(Matches.Expect((pledges, 500), (first, 1000)), Matches.Of(charge));

        // A pool patched live to pledgesOnly stops matching ordinary gifts at once.
        var open = await scene.PoolAsync(new() { ["budget"] = 10_000L });
        Assert.Equal(Matches.Expect((open, 10)), Matches.Of(await scene.DonateNewAsync("u2", 10)));
        ApiClient.Ensure(await _api.PatchPoolAsync(open, new { pledgesOnly = true }), 200);
        Assert.Equal("", Matches.Of(await scene.DonateNewAsync("u2", 10)));
        ApiClient.Ensure(await _api.PatchPoolAsync(open, new { pledgesOnly = "yes" }), 400);
    }

    private Task<ApiResponse> PutAsync(Scene scene, string pledgeId, object body) =>
        _api.SendAsync(HttpMethod.Put, $"/v1/pledges/{pledgeId}", body, scene.Key);

    private Task<ApiResponse> ChargeAsync(Scene scene, string donationId, string pledgeId, long amount = 1000, string donorId = "u1", string? projectId = null) =>
        _api.PostDonationAsync(scene.Key, new { donationId, projectId = projectId ?? scene.Project, donorId, amount, pledgeId });

    private async Task ProjectPledgesAsync(Scene scene, (long Active, long Monthly) expect)
    {
        var deadline = DateTime.UtcNow + ApiClient.FreshReadTimeout;
        while (true)
        {
            var project = await _api.GetProjectAsync(scene.Project);
            ApiClient.Ensure(project, 200);
            var actual = (project.Long("activePledges"), project.Long("monthlyPledged"));
            if (actual == expect || DateTime.UtcNow > deadline)
            {
                Assert.Equal(expect, actual);
                return;
            }
            await Task.Delay(50);
        }
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedPledgeTests(EmbeddedDeployment deployment) : PledgeTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresPledgeTests(PostgresClusterDeployment deployment) : PledgeTests(deployment);
