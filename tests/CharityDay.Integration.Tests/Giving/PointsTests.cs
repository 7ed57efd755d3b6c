using CharityDay.Integration.Tests.Donations;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Giving;

/// <summary>SPEC §7 points gifts: conversion pools, points donations, pointsDonated, over HTTP.</summary>
public abstract class PointsTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task A_points_gift_is_paid_by_its_conversion_pool_and_matched_by_no_pool()
    {
        var scene = await Scene.CreateAsync(_api);
        var open = await scene.PoolAsync(new() { ["budget"] = 100_000L }, "a-open-" + ApiClient.NewId("x"));
        var bank = await scene.PoolAsync(new() { ["budget"] = 10_000L, ["pointsProgram"] = "bank", ["fenPer1000Points"] = 250 }, "b-bank-" + ApiClient.NewId("x"));
        var settings = await _api.GetPoolAsync(bank);
        Assert.Equal(("bank", 250L), (settings["pointsProgram"].GetValue<string>(), settings.Long("fenPer1000Points")));
        Assert.Null(settings.Json!["ratioBps"]);

        // floor(1234 × 250 / 1000) = 308 fen, paid with ceil(308 × 1000 / 250) = 1232 of the 1234 points.
        var gift = await GiveAsync(scene, "g1", "u1", 1234, "bank");
        ApiClient.Ensure(gift, 201);
        Assert.Equal((308L, 1232L, "bank"), (gift.Long("amount"), gift.Long("points"), gift["pointsProgram"].GetValue<string>()));
        Assert.Equal(("", 0L), (Matches.Of(gift), gift.Long("matchedTotal")));
        // An ordinary gift is never paid by the conversion pool.
        Assert.Equal(Matches.Expect((open, 100)), Matches.Of(await scene.DonateNewAsync("u2", 100)));

        Assert.Equal((408L, 100L, 2L), await scene.ProjectTotalsAsync());
        Assert.Equal(1232, await PointsDonatedAsync(scene));
        Assert.Equal((308L, 9_692L), await scene.PoolUsageAsync(bank));
        Assert.Equal((100L, 99_900L), await scene.PoolUsageAsync(open));
        var read = await _api.SendAsync(HttpMethod.Get, "/v1/donations/g1", key: scene.Key);
        ApiClient.Ensure(read, 200);
        Assert.Equal((308L, 1232L, ""), (read.Long("amount"), read.Long("points"), Matches.Of(read)));
    }

    [Fact]
    public async Task The_pool_pays_partially_at_its_budget_end_then_refuses_with_422_recording_nothing()
    {
        var scene = await Scene.CreateAsync(_api);
        var bank = await scene.PoolAsync(new() { ["budget"] = 500L, ["pointsProgram"] = "bank", ["fenPer1000Points"] = 1000 });
        await scene.PoolAsync(new() { ["budget"] = 100L, ["pointsProgram"] = "tiny", ["fenPer1000Points"] = 1 });
        await scene.PoolAsync(new() { ["budget"] = 100L, ["pointsProgram"] = "held", ["fenPer1000Points"] = 1000, ["paused"] = true });
        await scene.PoolAsync(new() { ["budget"] = 100L, ["pointsProgram"] = "later", ["fenPer1000Points"] = 1000, ["startsAt"] = Scene.Iso(DateTimeOffset.UtcNow.AddDays(1)) });

        var first = await GiveAsync(scene, "p1", "u1", 400, "bank");
        ApiClient.Ensure(first, 201);
        Assert.Equal((400L, 400L), (first.Long("amount"), first.Long("points")));
        var partial = await GiveAsync(scene, "p2", "u2", 300, "bank");
        ApiClient.Ensure(partial, 201);
        // A partial conversion uses fewer points: the partner gives the rest back to the donor.
        Assert.Equal((100L, 100L), (partial.Long("amount"), partial.Long("points")));
        Assert.Equal((500L, 0L), await scene.PoolUsageAsync(bank));

        var before = await scene.TotalsAsync();
        foreach (var (id, points, program) in new[] { ("p3", 300L, "bank"), ("p4", 999L, "tiny"), ("p5", 1000L, "held"), ("p6", 1000L, "later"), ("p7", 1000L, "nobody") })
        {
            var refused = await GiveAsync(scene, id, "u3", points, program);
            ApiClient.Ensure(refused, 422);
            Assert.Contains("points-not-convertible", refused.Body);
            Assert.Contains("\"points\"", refused.Body);
            ApiClient.Ensure(await _api.SendAsync(HttpMethod.Get, $"/v1/donations/{id}", key: scene.Key), 404);
        }
        Assert.Equal(before, await scene.TotalsAsync());
        Assert.Equal(500, await PointsDonatedAsync(scene));
        // Nothing was recorded: the id is free for a gift that can be paid.
        ApiClient.Ensure(await _api.PatchPoolAsync(bank, new { budgetDelta = 50 }), 200);
        ApiClient.Ensure(await GiveAsync(scene, "p3", "u3", 300, "bank"), 201);
    }

    [Fact]
    public async Task Pools_of_one_programme_pay_in_priority_then_pool_id_order_one_pool_per_gift()
    {
        var scene = await Scene.CreateAsync(_api);
        var suffix = ApiClient.NewId("x");
        var second = await scene.PoolAsync(new() { ["budget"] = 1_000L, ["pointsProgram"] = "air", ["fenPer1000Points"] = 2000, ["priority"] = 1 }, "a-" + suffix);
        var first = await scene.PoolAsync(new() { ["budget"] = 100L, ["pointsProgram"] = "air", ["fenPer1000Points"] = 1000, ["priority"] = 0 }, "b-" + suffix);

        var gift = await GiveAsync(scene, "a1", "u1", 150, "air");
        ApiClient.Ensure(gift, 201);
        // The first pool pays what it can (100 of 150): the rest is not topped up by the next pool.
        Assert.Equal((100L, 100L), (gift.Long("amount"), gift.Long("points")));
        var next = await GiveAsync(scene, "a2", "u1", 150, "air");
        ApiClient.Ensure(next, 201);
        Assert.Equal((300L, 150L), (next.Long("amount"), next.Long("points")));
        Assert.Equal((100L, 0L), await scene.PoolUsageAsync(first));
        Assert.Equal((300L, 700L), await scene.PoolUsageAsync(second));
    }

    [Theory]
    [InlineData("{\"donationId\":\"D\",\"projectId\":\"P\",\"donorId\":\"u\",\"amount\":100,\"points\":100,\"pointsProgram\":\"bank\"}", "amount")]
    [InlineData("{\"donationId\":\"D\",\"projectId\":\"P\",\"donorId\":\"u\",\"points\":100}", "pointsProgram")]
    [InlineData("{\"donationId\":\"D\",\"projectId\":\"P\",\"donorId\":\"u\",\"pointsProgram\":\"bank\"}", "points")]
    [InlineData("{\"donationId\":\"D\",\"projectId\":\"P\",\"donorId\":\"u\",\"points\":0,\"pointsProgram\":\"bank\"}", "points")]
    [InlineData("{\"donationId\":\"D\",\"projectId\":\"P\",\"donorId\":\"u\",\"points\":1.5,\"pointsProgram\":\"bank\"}", "points")]
    [InlineData("{\"donationId\":\"D\",\"projectId\":\"P\",\"donorId\":\"u\",\"points\":100,\"pointsProgram\":\"no spaces\"}", "pointsProgram")]
    [InlineData("{\"donationId\":\"D\",\"projectId\":\"P\",\"donorId\":\"u\",\"points\":100,\"pointsprogram\":\"bank\"}", "pointsprogram")]
    [InlineData("{\"donationId\":\"D\",\"projectId\":\"P\",\"donorId\":\"u\"}", "amount")]
    public async Task Invalid_points_gifts_are_400_naming_the_field(string body, string field)
    {
        var scene = await Scene.CreateAsync(_api);
        await scene.PoolAsync(new() { ["budget"] = 1_000L, ["pointsProgram"] = "bank", ["fenPer1000Points"] = 1000 });
        var before = await scene.TotalsAsync();
        var response = await _api.SendAsync(HttpMethod.Post, "/v1/donations",
            body.Replace("\"D\"", $"\"{ApiClient.NewId("d")}\"").Replace("\"P\"", $"\"{scene.Project}\""), scene.Key);
        ApiClient.Ensure(response, 400);
        Assert.Contains($"\"{field}\"", response.Body);
        Assert.Equal(before, await scene.TotalsAsync());
    }

    [Theory]
    [InlineData("{\"campaignId\":\"C\",\"budget\":100,\"pointsProgram\":\"bank\",\"fenPer1000Points\":10,\"ratioBps\":10000}", "ratioBps")]
    [InlineData("{\"campaignId\":\"C\",\"budget\":100,\"pointsProgram\":\"bank\",\"fenPer1000Points\":10,\"randomRatioBps\":{\"min\":1,\"max\":2}}", "randomRatioBps")]
    [InlineData("{\"campaignId\":\"C\",\"budget\":100,\"pointsProgram\":\"bank\"}", "fenPer1000Points")]
    [InlineData("{\"campaignId\":\"C\",\"budget\":100,\"pointsProgram\":\"bank\",\"fenPer1000Points\":0}", "fenPer1000Points")]
    [InlineData("{\"campaignId\":\"C\",\"budget\":100,\"pointsProgram\":\"bank\",\"fenPer1000Points\":2.5}", "fenPer1000Points")]
    [InlineData("{\"campaignId\":\"C\",\"budget\":100,\"fenPer1000Points\":10}", "fenPer1000Points")]
    [InlineData("{\"campaignId\":\"C\",\"budget\":100,\"pointsProgram\":\"\",\"fenPer1000Points\":10}", "pointsProgram")]
    public async Task Invalid_conversion_pools_are_400_naming_the_field(string body, string field)
    {
        var scene = await Scene.CreateAsync(_api);
        var response = await _api.SendAsync(HttpMethod.Put, $"/v1/admin/pools/{ApiClient.NewId("pool")}",
            body.Replace("\"C\"", $"\"{scene.CampaignId}\""), Deployment.ManagerKey);
        ApiClient.Ensure(response, 400);
        Assert.Contains($"\"{field}\"", response.Body);
    }

    [Fact]
    public async Task A_pools_kind_never_changes_but_its_rate_may()
    {
        var scene = await Scene.CreateAsync(_api);
        var bank = await scene.PoolAsync(new() { ["budget"] = 1_000L, ["pointsProgram"] = "bank", ["fenPer1000Points"] = 1000 });
        var open = await scene.PoolAsync(new() { ["budget"] = 1_000L });
        ApiClient.Ensure(await _api.PatchPoolAsync(bank, new { pointsProgram = "other" }), 400);
        ApiClient.Ensure(await _api.PatchPoolAsync(bank, new { ratioBps = 5000 }), 400);
        ApiClient.Ensure(await _api.PatchPoolAsync(open, new { pointsProgram = "bank", fenPer1000Points = 10 }), 400);
        var replaced = await _api.Manager(HttpMethod.Put, $"/v1/admin/pools/{bank}", new { campaignId = scene.CampaignId, budget = 1000 });
        ApiClient.Ensure(replaced, 409);
        Assert.Contains("pointsProgram", replaced.Body);

        // A new rate applies from the next gift on.
        ApiClient.Ensure(await _api.PatchPoolAsync(bank, new { fenPer1000Points = 500 }), 200);
        var gift = await GiveAsync(scene, ApiClient.NewId("d"), "u1", 100, "bank");
        ApiClient.Ensure(gift, 201);
        Assert.Equal((50L, 100L), (gift.Long("amount"), gift.Long("points")));
    }

    [Fact]
    public async Task A_replay_answers_the_original_gift_and_another_payload_is_409()
    {
        var scene = await Scene.CreateAsync(_api);
        var bank = await scene.PoolAsync(new() { ["budget"] = 150L, ["pointsProgram"] = "bank", ["fenPer1000Points"] = 1000 });
        await scene.PoolAsync(new() { ["budget"] = 150L, ["pointsProgram"] = "shop", ["fenPer1000Points"] = 1000 });
        var gift = await GiveAsync(scene, "r1", "u1", 200, "bank");
        ApiClient.Ensure(gift, 201);
        Assert.Equal((150L, 150L), (gift.Long("amount"), gift.Long("points")));

        var replay = await GiveAsync(scene, "r1", "u1", 200, "bank");
        ApiClient.Ensure(replay, 200);
        Assert.True(replay["replayed"].GetValue<bool>());
        Assert.Equal((150L, 150L, gift["acceptedAt"].ToJsonString()), (replay.Long("amount"), replay.Long("points"), replay["acceptedAt"].ToJsonString()));

        ApiClient.Ensure(await GiveAsync(scene, "r1", "u1", 150, "bank"), 409);
        ApiClient.Ensure(await GiveAsync(scene, "r1", "u1", 200, "shop"), 409);
        ApiClient.Ensure(await scene.DonateAsync("u1", 150, donationId: "r1"), 409);
        ApiClient.Ensure(await scene.DonateNewAsync("u1", 70, donationId: "o1"), 201);
        ApiClient.Ensure(await GiveAsync(scene, "o1", "u1", 70, "bank"), 409);
        Assert.Equal((150L, 0L), await scene.PoolUsageAsync(bank));
    }

    [Fact]
    public async Task A_refund_returns_the_money_to_the_conversion_pool_and_a_clawback_leaves_it()
    {
        var scene = await Scene.CreateAsync(_api);
        var bank = await scene.PoolAsync(new() { ["budget"] = 1_000L, ["pointsProgram"] = "bank", ["fenPer1000Points"] = 1000 });
        ApiClient.Ensure(await GiveAsync(scene, "f1", "u1", 600, "bank"), 201);
        ApiClient.Ensure(await GiveAsync(scene, "f2", "u2", 300, "bank"), 201);
        Assert.Equal(900, await PointsDonatedAsync(scene));

        var refund = await _api.RefundAsync(scene.Key, "f1");
        ApiClient.Ensure(refund, 200);
        Assert.Equal("refunded", refund["status"].GetValue<string>());
        Assert.Equal((300L, 700L), await scene.PoolUsageAsync(bank));
        Assert.Equal((300L, 0L, 1L), await scene.ProjectTotalsAsync());
        Assert.Equal(300, await PointsDonatedAsync(scene));

        // A points gift's payment is the gift itself: a clawback on its pool takes nothing back (and flags the donor).
        ApiClient.Ensure(await _api.ClawbackAsync(bank, "u2"), 200);
        Assert.Equal((300L, 700L), await scene.PoolUsageAsync(bank));
        Assert.Equal((300L, 0L, 1L), await scene.ProjectTotalsAsync());
        ApiClient.Ensure(await GiveAsync(scene, "f3", "u2", 10, "bank"), 422);
        ApiClient.Ensure(await GiveAsync(scene, "f4", "u3", 700, "bank"), 201);
        Assert.Equal((1_000L, 0L), await scene.PoolUsageAsync(bank));
    }

    [Fact]
    public async Task A_conversion_pool_under_concurrent_gifts_pays_exactly_its_budget()
    {
        var scene = await Scene.CreateAsync(_api, projects: 2);
        var bank = await scene.PoolAsync(new() { ["budget"] = 10_000L, ["pointsProgram"] = "bank", ["fenPer1000Points"] = 3000, ["perDonorDailyCap"] = 2_000L });

        // 48 callers × 700 points (2,100 fen each, capped at 2,000 a donor a day) ask for far more than 10,000 fen.
        var answers = await Task.WhenAll(Enumerable.Range(0, 48).Select(i =>
            _api.PostDonationAsync(scene.Key, new { donationId = $"c{i}", projectId = scene.Projects[i % 2], donorId = $"u{i % 12}", points = 700, pointsProgram = "bank" })));

        Assert.All(answers, a => Assert.True(a.Code is 201 or 422, a.Body));
        var paid = answers.Where(a => a.Code == 201).ToList();
        Assert.Equal(10_000L, paid.Sum(a => a.Long("amount")));
        Assert.All(paid, a => Assert.Equal((a.Long("amount") * 1000 + 2999) / 3000, a.Long("points")));
        Assert.Equal((10_000L, 0L), await scene.PoolUsageAsync(bank));
        var raised = (await scene.ProjectTotalsAsync(scene.Projects[0])).Raised + (await scene.ProjectTotalsAsync(scene.Projects[1])).Raised;
        Assert.Equal(10_000L, raised);
        var campaign = await _api.GetCampaignAsync(scene.CampaignId);
        Assert.Equal((10_000L, 0L), (campaign.Long("raised"), campaign.Long("matched")));
    }

    private Task<ApiResponse> GiveAsync(Scene scene, string donationId, string donorId, long points, string program) =>
        _api.PostDonationAsync(scene.Key, new { donationId, projectId = scene.Project, donorId, points, pointsProgram = program });

    private async Task<long> PointsDonatedAsync(Scene scene)
    {
        var project = await _api.GetProjectAsync(scene.Project);
        ApiClient.Ensure(project, 200);
        return project.Long("pointsDonated");
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedPointsTests(EmbeddedDeployment deployment) : PointsTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresPointsTests(PostgresClusterDeployment deployment) : PointsTests(deployment);
