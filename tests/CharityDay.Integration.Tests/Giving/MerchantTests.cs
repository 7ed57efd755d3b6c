using System.Text.Json.Nodes;
using CharityDay.Integration.Tests.Donations;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Giving;

/// <summary>
/// SPEC §7 merchant giving over HTTP: a merchant gift (merchantId + orderCount instead of donorId),
/// the merchant as one donor apart from any person, pools that match merchants only with
/// <c>merchantGifts</c>, project <c>merchantRaised</c>/<c>merchantOrders</c> and the merchant board.
/// </summary>
public abstract class MerchantTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task A_merchant_gift_answers_its_merchant_and_orders_and_counts_on_the_project_and_the_board()
    {
        var scene = await Scene.CreateAsync(_api);
        var gift = await GiveAsync(scene, "m1", "shop-1", 240, 1_200);
        ApiClient.Ensure(gift, 201);
        Assert.Null(gift.Json!["donorId"]);
        Assert.Equal(("shop-1", 240L, 1_200L), (gift["merchantId"].GetValue<string>(), gift.Long("orderCount"), gift.Long("amount")));
        var read = await _api.GetDonationAsync(scene.Key, "m1");
        ApiClient.Ensure(read, 200);
        Assert.Equal((null, "shop-1", 240L), (read.Json!["donorId"]?.GetValue<string>(), read["merchantId"].GetValue<string>(), read.Long("orderCount")));

        var person = await scene.DonateNewAsync("shop-1", 500);
        Assert.Equal(("shop-1", null, null), (person["donorId"].GetValue<string>(), person.Json!["merchantId"], person.Json!["orderCount"]));

        var batch = await _api.PostBatchAsync(scene.Key, new
        {
            donations = new object[]
            {
                new { donationId = "m2", projectId = scene.Project, merchantId = "shop-2", orderCount = 10, amount = 300L },
                new { donationId = "m3", projectId = scene.Project, merchantId = "shop-1", orderCount = 60, amount = 100L },
                new { donationId = "m4", projectId = scene.Project, merchantId = "shop-2", donorId = "u1", orderCount = 1, amount = 1L },
            },
        });
        ApiClient.Ensure(batch, 200);
        Assert.Equal([201, 201, 400], batch["results"].AsArray().Select(r => r!["status"]!.GetValue<int>()));
        Assert.Contains("donorId", batch["results"][2]!["error"]!.ToJsonString());

        Assert.Equal((2_100L, 0L, 4L), await scene.ProjectTotalsAsync());
        Assert.Equal((1_600L, 310L), await MerchantTotalsAsync(scene));
        Assert.Equal($"{scene.PartnerId}/shop-1 1300 300 2;{scene.PartnerId}/shop-2 300 10 1", await BoardAsync(scene));
        Assert.Equal($"{scene.PartnerId}/shop-1 1300 300 2", await BoardAsync(scene, top: 1));

        // A refund takes the gift out of both totals and off the board.
        ApiClient.Ensure(await _api.RefundAsync(scene.Key, "m2"), 200);
        ApiClient.Ensure(await _api.RefundAsync(scene.Key, "m1"), 200);
        Assert.Equal((600L, 0L, 2L), await scene.ProjectTotalsAsync());
        Assert.Equal((100L, 60L), await MerchantTotalsAsync(scene));
        Assert.Equal($"{scene.PartnerId}/shop-1 100 60 1", await BoardAsync(scene));
    }

    [Fact]
    public async Task Pools_match_merchant_gifts_only_when_they_set_merchantGifts()
    {
        var scene = await Scene.CreateAsync(_api);
        var suffix = ApiClient.NewId("x");
        var people = await scene.PoolAsync(new() { ["budget"] = 10_000L }, "a-people-" + suffix);
        var merchants = await scene.PoolAsync(new() { ["budget"] = 10_000L, ["ratioBps"] = 5_000, ["merchantGifts"] = true }, "b-merchants-" + suffix);
        Assert.False((await _api.GetPoolAsync(people))["merchantGifts"].GetValue<bool>());
        Assert.True((await _api.GetPoolAsync(merchants))["merchantGifts"].GetValue<bool>());

        Assert.Equal(Matches.Expect((merchants, 500)), Matches.Of(await NewGiftAsync(scene, "shop", 5, 1_000)));
        // A merchantGifts pool matches people's gifts as well.
        Assert.Equal(Matches.Expect((people, 1_000), (merchants, 500)), Matches.Of(await scene.DonateNewAsync("u1", 1_000)));

        // The flag is a live setting like any other: once changed, the next gift follows it.
        ApiClient.Ensure(await _api.PatchPoolAsync(merchants, new { merchantGifts = false }), 200);
        Assert.Equal("", Matches.Of(await NewGiftAsync(scene, "shop", 5, 1_000)));
        ApiClient.Ensure(await _api.PatchPoolAsync(people, new { merchantGifts = true }), 200);
        Assert.Equal(Matches.Expect((people, 1_000)), Matches.Of(await NewGiftAsync(scene, "shop", 5, 1_000)));
        ApiClient.Ensure(await _api.PatchPoolAsync(people, new { merchantGifts = "yes" }), 400);
    }

    [Theory]
    [InlineData("perDonorDailyCap", 150L, new long[] { 100, 100, 50, 50 })]
    [InlineData("perDonorDailyCount", 1L, new long[] { 100, 100, 0, 0 })]
    [InlineData("perDonorMinuteCount", 1L, new long[] { 100, 100, 0, 0 })]
    public async Task A_merchant_and_a_person_with_the_same_id_are_two_donors_for_every_cap(string cap, long limit, long[] expected)
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 10_000L, ["merchantGifts"] = true, [cap] = limit });
        var (otherPartner, otherKey) = await _api.CreatePartnerAsync();

        // person "same", merchant "same", then each again: each meets its own cap, not the other's.
        var matched = new List<long>
        {
            Matches.From((await scene.DonateNewAsync("same", 100)).Json!, pool),
            Matches.From((await NewGiftAsync(scene, "same", 3, 100)).Json!, pool),
            Matches.From((await scene.DonateNewAsync("same", 100)).Json!, pool),
            Matches.From((await NewGiftAsync(scene, "same", 3, 100)).Json!, pool),
        };
        Assert.Equal(expected, matched);
        // Another platform's merchant "same" is another merchant.
        var other = await _api.PostDonationAsync(otherKey, new { donationId = ApiClient.NewId("d"), projectId = scene.Project, merchantId = "same", orderCount = 1, amount = 100L });
        ApiClient.Ensure(other, 201);
        Assert.Equal(100L, Matches.From(other.Json!, pool));
        Assert.NotEqual(scene.PartnerId, otherPartner);
    }

    [Fact]
    public async Task Many_concurrent_gifts_of_one_merchant_meet_its_daily_cap_exactly()
    {
        var scene = await Scene.CreateAsync(_api, projects: 2);
        var pool = await scene.PoolAsync(new() { ["budget"] = 100_000L, ["merchantGifts"] = true, ["perDonorDailyCap"] = 5_000L });
        var answers = await Task.WhenAll(Enumerable.Range(0, 48).Select(i => _api.PostDonationAsync(scene.Key,
            new { donationId = $"c{i}", projectId = scene.Projects[i % 2], merchantId = "burst-shop", orderCount = 1 + i, amount = 300L })));
        Assert.All(answers, a => Assert.Equal(201, a.Code));
        Assert.Equal(5_000L, answers.Sum(a => Matches.From(a.Json!, pool)));
        Assert.Equal((5_000L, 95_000L), await scene.PoolUsageAsync(pool));
        Assert.Equal($"{scene.PartnerId}/burst-shop {48 * 300} {Enumerable.Range(1, 48).Sum()} 48", await BoardAsync(scene));
    }

    [Fact]
    public async Task A_clawback_by_merchantId_takes_back_the_merchants_matches_and_leaves_the_person_alone()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 10_000L, ["merchantGifts"] = true });
        await scene.DonateNewAsync("twin", 100);
        await NewGiftAsync(scene, "twin", 2, 300);
        await NewGiftAsync(scene, "twin", 2, 200);

        var clawback = await _api.Manager(HttpMethod.Post, $"/v1/admin/pools/{pool}/clawback", new { merchantId = "twin", reason = "orders faked" });
        ApiClient.Ensure(clawback, 200);
        Assert.Equal(("twin", null, 2L, 500L),
            (clawback["merchantId"].GetValue<string>(), clawback.Json!["donorId"], clawback.Long("matchesReversed"), clawback.Long("amountReturned")));
        Assert.Equal((100L, 9_900L), await scene.PoolUsageAsync(pool));
        // The merchant is matched no more by the pool; the person still is.
        Assert.Equal("", Matches.Of(await NewGiftAsync(scene, "twin", 2, 50)));
        Assert.Equal(Matches.Expect((pool, 50)), Matches.Of(await scene.DonateNewAsync("twin", 50)));
        var audit = (await _api.AuditAsync(scene.CampaignId)).Of("pool.clawback").Single();
        Assert.Equal("twin", audit["after"]!["merchantId"]!.GetValue<string>());

        // A person's clawback leaves the merchant of the same id alone.
        var other = await scene.PoolAsync(new() { ["budget"] = 10_000L, ["merchantGifts"] = true });
        await scene.DonateNewAsync("pair", 100);
        await NewGiftAsync(scene, "pair", 1, 100);
        var person = await _api.ClawbackAsync(other, "pair");
        ApiClient.Ensure(person, 200);
        Assert.Equal(("pair", null, 100L), (person["donorId"].GetValue<string>(), person.Json!["merchantId"], person.Long("amountReturned")));
        Assert.Equal((100L, 9_900L), await scene.PoolUsageAsync(other));
    }

    [Theory]
    [InlineData("{\"donorId\":\"u\",\"merchantId\":\"m\",\"reason\":\"r\"}", "donorId")]
    [InlineData("{\"reason\":\"r\"}", "donorId")]
    [InlineData("{\"merchantId\":\"bad id\",\"reason\":\"r\"}", "merchantId")]
    [InlineData("{\"merchantId\":\"m\",\"orderCount\":1,\"reason\":\"r\"}", "orderCount")]
    public async Task Bad_clawbacks_are_400_naming_the_field_and_change_nothing(string body, string field)
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 10_000L, ["merchantGifts"] = true });
        await NewGiftAsync(scene, "m", 1, 100);
        var response = await _api.SendAsync(HttpMethod.Post, $"/v1/admin/pools/{pool}/clawback", body, Deployment.ManagerKey);
        ApiClient.Ensure(response, 400);
        Assert.Contains($"\"{field}\"", response.Body);
        Assert.Equal((100L, 9_900L), await scene.PoolUsageAsync(pool));
    }

    [Fact]
    public async Task A_replay_answers_the_original_gift_and_another_payload_or_a_person_under_the_id_is_409()
    {
        var scene = await Scene.CreateAsync(_api);
        var first = await GiveAsync(scene, "r1", "shop", 7, 700);
        ApiClient.Ensure(first, 201);
        var replay = await GiveAsync(scene, "r1", "shop", 7, 700);
        ApiClient.Ensure(replay, 200);
        Assert.True(replay["replayed"].GetValue<bool>());
        Assert.Equal((first["acceptedAt"].ToJsonString(), "shop", 7L), (replay["acceptedAt"].ToJsonString(), replay["merchantId"].GetValue<string>(), replay.Long("orderCount")));
        ApiClient.Ensure(await GiveAsync(scene, "r1", "shop", 8, 700), 409);
        ApiClient.Ensure(await GiveAsync(scene, "r1", "other-shop", 7, 700), 409);
        ApiClient.Ensure(await scene.DonateAsync("shop", 700, donationId: "r1"), 409);
        await scene.DonateNewAsync("shop", 700, donationId: "r2");
        ApiClient.Ensure(await GiveAsync(scene, "r2", "shop", 7, 700), 409);
        Assert.Equal((700L, 7L), await MerchantTotalsAsync(scene));
    }

    [Theory]
    [InlineData("{\"donationId\":\"D\",\"projectId\":\"P\",\"donorId\":\"u\",\"merchantId\":\"m\",\"orderCount\":1,\"amount\":100}", "donorId")]
    [InlineData("{\"donationId\":\"D\",\"projectId\":\"P\",\"donorId\":\"u\",\"orderCount\":1,\"amount\":100}", "orderCount")]
    [InlineData("{\"donationId\":\"D\",\"projectId\":\"P\",\"merchantId\":\"m\",\"amount\":100}", "orderCount")]
    [InlineData("{\"donationId\":\"D\",\"projectId\":\"P\",\"merchantId\":\"m\",\"orderCount\":0,\"amount\":100}", "orderCount")]
    [InlineData("{\"donationId\":\"D\",\"projectId\":\"P\",\"merchantId\":\"m\",\"orderCount\":1000001,\"amount\":100}", "orderCount")]
    [InlineData("{\"donationId\":\"D\",\"projectId\":\"P\",\"merchantId\":\"m\",\"orderCount\":1.5,\"amount\":100}", "orderCount")]
    [InlineData("{\"donationId\":\"D\",\"projectId\":\"P\",\"merchantId\":\"m\",\"orderCount\":\"3\",\"amount\":100}", "orderCount")]
    [InlineData("{\"donationId\":\"D\",\"projectId\":\"P\",\"merchantId\":\"bad/id\",\"orderCount\":1,\"amount\":100}", "merchantId")]
    [InlineData("{\"donationId\":\"D\",\"projectId\":\"P\",\"merchantId\":\"m\",\"orderCount\":1}", "amount")]
    [InlineData("{\"donationId\":\"D\",\"projectId\":\"P\",\"orderCount\":1,\"amount\":100}", "donorId")]
    public async Task Invalid_merchant_gifts_are_400_naming_the_field_and_record_nothing(string body, string field)
    {
        var scene = await Scene.CreateAsync(_api);
        await scene.PoolAsync(new() { ["budget"] = 1_000L, ["merchantGifts"] = true });
        var before = await scene.TotalsAsync();
        var donationId = ApiClient.NewId("d");
        var response = await _api.SendAsync(HttpMethod.Post, "/v1/donations",
            body.Replace("\"D\"", $"\"{donationId}\"").Replace("\"P\"", $"\"{scene.Project}\""), scene.Key);
        ApiClient.Ensure(response, 400);
        Assert.Contains($"\"{field}\"", response.Body);
        Assert.Equal(before, await scene.TotalsAsync());
        ApiClient.Ensure(await _api.GetDonationAsync(scene.Key, donationId), 404);
        Assert.Equal("", await BoardAsync(scene));
    }

    [Fact]
    public async Task The_merchant_board_of_an_unknown_campaign_is_404_and_a_bad_top_is_400()
    {
        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Get, $"/v1/campaigns/{ApiClient.NewId("nope")}/merchants"), 404);
        var scene = await Scene.CreateAsync(_api);
        var bad = await _api.SendAsync(HttpMethod.Get, $"/v1/campaigns/{scene.CampaignId}/merchants?top=0");
        ApiClient.Ensure(bad, 400);
        Assert.Contains("\"top\"", bad.Body);
        var empty = await _api.GetPublicFreshAsync($"/v1/campaigns/{scene.CampaignId}/merchants");
        ApiClient.Ensure(empty, 200);
        Assert.Equal("[]", empty.Body);
    }

    private Task<ApiResponse> GiveAsync(Scene scene, string donationId, string merchantId, int orderCount, long amount) =>
        _api.PostDonationAsync(scene.Key, new { donationId, projectId = scene.Project, merchantId, orderCount, amount });

    private async Task<ApiResponse> NewGiftAsync(Scene scene, string merchantId, int orderCount, long amount)
    {
        var gift = await GiveAsync(scene, ApiClient.NewId("m"), merchantId, orderCount, amount);
        ApiClient.Ensure(gift, 201);
        return gift;
    }

    private async Task<(long Raised, long Orders)> MerchantTotalsAsync(Scene scene)
    {
        var project = await _api.GetProjectAsync(scene.Project);
        ApiClient.Ensure(project, 200);
        return (project.Long("merchantRaised"), project.Long("merchantOrders"));
    }

    /// <summary>The board as "partner/merchant raised orders count;…", read fresh.</summary>
    private async Task<string> BoardAsync(Scene scene, int? top = null)
    {
        var board = await _api.GetPublicFreshAsync($"/v1/campaigns/{scene.CampaignId}/merchants" + (top is null ? "" : $"?top={top}"));
        ApiClient.Ensure(board, 200);
        return string.Join(';', board.Json!.AsArray().Select(m =>
            $"{m!["partnerId"]}/{m["merchantId"]} {m["raised"]} {m["orderCount"]} {m["donationCount"]}"));
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedMerchantTests(EmbeddedDeployment deployment) : MerchantTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresMerchantTests(PostgresClusterDeployment deployment) : MerchantTests(deployment);
