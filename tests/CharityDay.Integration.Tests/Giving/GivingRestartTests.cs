using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Giving;

/// <summary>
/// SPEC §7 after a kill -9: team names, kinds and totals (refunds and clawbacks included), pledges,
/// their cancellations and this month's charges, points gifts and their conversion pool's spending, merchant
/// gifts (board, project totals, the merchant's own caps and clawback flag) come back from the ledger.
/// </summary>
[Collection(EmbeddedCollection.Name)]
public sealed class GivingRestartTests : IAsyncLifetime
{
    private readonly RestartableEmbedded _deployment = new();

    public Task InitializeAsync() => _deployment.StartAsync();

    public Task DisposeAsync() => _deployment.DisposeAsync();

    [Fact]
    public async Task Team_names_and_totals_survive_a_kill_of_the_embedded_process()
    {
        var api = _deployment.Api();
        var campaign = await api.CreateCampaignAsync();
        var project = await api.CreateProjectAsync(campaign);
        var pool = await api.CreatePoolAsync(campaign, new() { ["budget"] = 10_000L, ["ratioBps"] = 5_000 });
        var (partner, key) = await api.CreatePartnerAsync();
        ApiClient.Ensure(await api.SendAsync(HttpMethod.Put, "/v1/teams/runners", new { campaignId = campaign, name = "Runners", goal = 9000 }, key), 201);
        ApiClient.Ensure(await api.SendAsync(HttpMethod.Put, "/v1/teams/live7", new { campaignId = campaign, name = "Live 7", kind = "creator" }, key), 201);
        foreach (var (id, donor, amount, team) in new[] { ("d1", "u1", 100L, "runners"), ("d2", "u2", 300L, "runners"), ("d3", "u3", 500L, "live7"), ("d4", "u4", 40L, "walkers") })
        {
            ApiClient.Ensure(await api.PostDonationAsync(key, new { donationId = id, projectId = project, donorId = donor, amount, teamId = team }), 201);
        }
        ApiClient.Ensure(await api.RefundAsync(key, "d1"), 200);
        ApiClient.Ensure(await api.ClawbackAsync(pool, "u3"), 200);
        string[] reads = [$"/v1/campaigns/{campaign}/teams", $"/v1/campaigns/{campaign}/teams?kind=creator", $"/v1/campaigns/{campaign}/teams/{partner}/runners"];
        var before = await ReadAsync(api, reads);
        Assert.Contains("\"teamId\":\"runners\",\"name\":\"Runners\",\"kind\":\"team\",\"raised\":300,\"matched\":150,\"donationCount\":1,\"donorCount\":1", before);
        Assert.Contains("\"teamId\":\"live7\",\"name\":\"Live 7\",\"kind\":\"creator\",\"raised\":500,\"matched\":0", before);
        Assert.Contains("\"teamId\":\"walkers\",\"name\":null,\"kind\":\"team\",\"raised\":40,\"matched\":20", before);

        await _deployment.Host.KillAsync();
        await _deployment.RestartAsync();

        Assert.Equal(before, await ReadAsync(api, reads));
    }

    [Fact]
    public async Task Pledges_and_their_charges_survive_a_kill_of_the_embedded_process()
    {
        var api = _deployment.Api();
        var campaign = await api.CreateCampaignAsync();
        var project = await api.CreateProjectAsync(campaign);
        var pool = await api.CreatePoolAsync(campaign, new() { ["budget"] = 10_000L, ["firstChargeOnly"] = true });
        var (_, key) = await api.CreatePartnerAsync();
        ApiClient.Ensure(await api.SendAsync(HttpMethod.Put, "/v1/pledges/kept", new { projectId = project, donorId = "u1", amount = 700, dayOfMonth = 3 }, key), 201);
        ApiClient.Ensure(await api.SendAsync(HttpMethod.Put, "/v1/pledges/ended", new { projectId = project, donorId = "u2", amount = 900, dayOfMonth = 9 }, key), 201);
        ApiClient.Ensure(await api.SendAsync(HttpMethod.Post, "/v1/pledges/ended/cancel", key: key), 200);
        var charge = await api.PostDonationAsync(key, new { donationId = "c1", projectId = project, donorId = "u1", amount = 700, pledgeId = "kept" });
        ApiClient.Ensure(charge, 201);
        string[] reads = [$"/v1/projects/{project}"];
        var before = await ReadAsync(api, reads);
        Assert.Contains("\"activePledges\":1,\"monthlyPledged\":700", before);

        await _deployment.Host.KillAsync();
        await _deployment.RestartAsync();

        Assert.Equal(before, await ReadAsync(api, reads));
        // The month's charge and the cancellation came back from the ledger.
        ApiClient.Ensure(await api.PostDonationAsync(key, new { donationId = "c2", projectId = project, donorId = "u1", amount = 700, pledgeId = "kept" }), 409);
        ApiClient.Ensure(await api.PostDonationAsync(key, new { donationId = "c3", projectId = project, donorId = "u2", amount = 900, pledgeId = "ended" }), 422);
        var replay = await api.PostDonationAsync(key, new { donationId = "c1", projectId = project, donorId = "u1", amount = 700, pledgeId = "kept" });
        ApiClient.Ensure(replay, 200);
        Assert.Equal(charge["matches"].ToJsonString(), replay["matches"].ToJsonString());
        Assert.Equal(700, (await api.GetPoolAsync(pool)).Long("matched"));
    }

    [Fact]
    public async Task Points_gifts_and_their_conversion_pool_survive_a_kill_of_the_embedded_process()
    {
        var api = _deployment.Api();
        var campaign = await api.CreateCampaignAsync();
        var project = await api.CreateProjectAsync(campaign);
        var bank = await api.CreatePoolAsync(campaign, new() { ["budget"] = 1_500L, ["pointsProgram"] = "bank", ["fenPer1000Points"] = 500 });
        var (_, key) = await api.CreatePartnerAsync();
        object Gift(string id, string donor, long points) => new { donationId = id, projectId = project, donorId = donor, points, pointsProgram = "bank" };
        var kept = await api.PostDonationAsync(key, Gift("k1", "u1", 801));
        ApiClient.Ensure(kept, 201);
        Assert.Equal((400L, 800L), (kept.Long("amount"), kept.Long("points")));
        ApiClient.Ensure(await api.PostDonationAsync(key, Gift("k2", "u2", 1000)), 201);
        ApiClient.Ensure(await api.PostDonationAsync(key, Gift("k3", "u3", 600)), 201);
        ApiClient.Ensure(await api.RefundAsync(key, "k2"), 200);
        string[] reads = [$"/v1/projects/{project}", $"/v1/campaigns/{campaign}"];
        var before = await ReadAsync(api, reads);
        Assert.Contains("\"raised\":700,", before);
        Assert.Contains("\"pointsDonated\":1400", before);

        await _deployment.Host.KillAsync();
        await _deployment.RestartAsync();

        Assert.Equal(before, await ReadAsync(api, reads));
        var replay = await api.PostDonationAsync(key, Gift("k1", "u1", 801));
        ApiClient.Ensure(replay, 200);
        Assert.Equal((400L, 800L, "[]"), (replay.Long("amount"), replay.Long("points"), replay["matches"].ToJsonString()));
        ApiClient.Ensure(await api.PostDonationAsync(key, Gift("k1", "u1", 800)), 409);
        // The pool's 800 fen left (the refund's 500 back in it) come back from the ledger: a gift asking for more is paid exactly that.
        var last = await api.PostDonationAsync(key, Gift("k4", "u4", 2000));
        ApiClient.Ensure(last, 201);
        Assert.Equal((800L, 1600L), (last.Long("amount"), last.Long("points")));
        ApiClient.Ensure(await api.PostDonationAsync(key, Gift("k5", "u5", 2)), 422);
        Assert.Equal(1_500, (await api.GetPoolAsync(bank)).Long("matched"));
    }

    [Fact]
    public async Task Merchant_gifts_their_board_caps_and_clawback_survive_a_kill_of_the_embedded_process()
    {
        var api = _deployment.Api();
        var campaign = await api.CreateCampaignAsync();
        var project = await api.CreateProjectAsync(campaign);
        var capped = await api.CreatePoolAsync(campaign, new() { ["budget"] = 10_000L, ["merchantGifts"] = true, ["perDonorDailyCap"] = 500L });
        var flagged = await api.CreatePoolAsync(campaign, new() { ["budget"] = 10_000L, ["merchantGifts"] = true });
        var (_, key) = await api.CreatePartnerAsync();
        object Gift(string id, string merchant, int orders, long amount) => new { donationId = id, projectId = project, merchantId = merchant, orderCount = orders, amount };
        ApiClient.Ensure(await api.PostDonationAsync(key, Gift("g1", "shop", 30, 400)), 201);
        ApiClient.Ensure(await api.PostDonationAsync(key, Gift("g2", "stall", 5, 90)), 201);
        ApiClient.Ensure(await api.PostDonationAsync(key, Gift("g3", "stall", 9, 60)), 201);
        ApiClient.Ensure(await api.PostDonationAsync(key, new { donationId = "p1", projectId = project, donorId = "shop", amount = 200L }), 201);
        ApiClient.Ensure(await api.RefundAsync(key, "g2"), 200);
        ApiClient.Ensure(await api.Manager(HttpMethod.Post, $"/v1/admin/pools/{flagged}/clawback", new { merchantId = "stall", reason = "fake orders" }), 200);
        string[] reads = [$"/v1/projects/{project}", $"/v1/campaigns/{campaign}/merchants"];
        var before = await ReadAsync(api, reads);
        Assert.Contains("\"merchantRaised\":460,\"merchantOrders\":39", before);

        await _deployment.Host.KillAsync();
        await _deployment.RestartAsync();

        Assert.Equal(before, await ReadAsync(api, reads));
        // The merchant's 400 of its 500 cap came back, apart from the person "shop"'s 200; the clawback flag too.
        var next = await api.PostDonationAsync(key, Gift("g4", "shop", 1, 300));
        ApiClient.Ensure(next, 201);
        Assert.Equal(Sorted($"{capped}:100", $"{flagged}:300"), Sorted([.. next["matches"].AsArray().Select(m => $"{m!["poolId"]}:{m["amount"]}")]));
        var stall = await api.PostDonationAsync(key, Gift("g5", "stall", 1, 50));
        ApiClient.Ensure(stall, 201);
        Assert.Equal($"{capped}:50", string.Join(',', stall["matches"].AsArray().Select(m => $"{m!["poolId"]}:{m["amount"]}")));
    }

    private static string Sorted(params string[] items) => string.Join(',', items.Order(StringComparer.Ordinal));

    private static async Task<string> ReadAsync(ApiClient api, string[] paths)
    {
        var lines = new List<string>();
        foreach (var path in paths)
        {
            var response = await api.GetPublicFreshAsync(path);
            ApiClient.Ensure(response, 200);
            lines.Add($"{path} {response.Body}");
        }
        return string.Join('\n', lines);
    }
}
