using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>
/// SPEC §3 abuse: flagging a donor on a pool reverses every match that pool gave them, returns
/// the money to the pool, matches them no more — and leaves the donations and other pools alone.
/// </summary>
public abstract class ClawbackTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    /// <summary>SPEC §4: a clawback naming a partnerId flags that platform's donor only; the same donor id elsewhere is another person.</summary>
    [Fact]
    public async Task A_clawback_with_a_partner_flags_that_platforms_donor_only()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 10_000L });
        var (_, otherKey) = await _api.CreatePartnerAsync();
        await scene.DonateNewAsync("u1", 100);
        await scene.DonateNewAsync("u1", 50, key: otherKey);

        var clawback = await _api.Manager(HttpMethod.Post, $"/v1/admin/pools/{pool}/clawback", new { donorId = "u1", partnerId = scene.PartnerId, reason = "farm" });
        ApiClient.Ensure(clawback, 200);
        Assert.Equal((1L, 100L), (clawback.Long("matchesReversed"), clawback.Long("amountReturned")));
        Assert.Equal((50L, 10_000L - 50), await scene.PoolUsageAsync(pool));

        // The flagged platform's u1 is matched no more; the other platform's u1 still is.
        Assert.Empty((await scene.DonateNewAsync("u1", 10))["matches"].AsArray());
        Assert.Single((await scene.DonateNewAsync("u1", 10, key: otherKey))["matches"].AsArray());

        // Without a partner the donor id is flagged on every platform.
        ApiClient.Ensure(await _api.ClawbackAsync(pool, "u1"), 200);
        Assert.Empty((await scene.DonateNewAsync("u1", 10, key: otherKey))["matches"].AsArray());
        Assert.Equal((0L, 10_000L), await scene.PoolUsageAsync(pool));
    }

    [Fact]
    public async Task Clawback_reverses_the_pools_matches_for_the_donor_and_nothing_else()
    {
        var scene = await Scene.CreateAsync(_api, projects: 2);
        var (p1, p2) = (scene.Projects[0], scene.Projects[1]);
        var prefix = ApiClient.NewId("claw");
        var flagged = await scene.PoolAsync(new() { ["budget"] = 10_000L }, $"{prefix}-a");
        var other = await scene.PoolAsync(new() { ["budget"] = 10_000L, ["ratioBps"] = 5000 }, $"{prefix}-b");

        var d1 = await scene.DonateNewAsync("farmer", 100, p1);
        var d2 = await scene.DonateNewAsync("farmer", 40, p2);
        var honest = await scene.DonateNewAsync("honest", 60, p1);
        Assert.Equal(Matches.Expect((flagged, 100), (other, 50)), Matches.Of(d1));
        Assert.Equal(Matches.Expect((flagged, 40), (other, 20)), Matches.Of(d2));
        Assert.Equal(Matches.Expect((flagged, 60), (other, 30)), Matches.Of(honest));

        var clawback = await _api.ClawbackAsync(flagged, "farmer");
        ApiClient.Ensure(clawback, 200);
        Assert.Equal((2L, 140L), (clawback.Long("matchesReversed"), clawback.Long("amountReturned")));
        var entry = Assert.Single((await _api.AuditAsync(scene.CampaignId)).Of("pool.clawback"));
        Assert.Equal($"pool/{flagged}", entry["target"]!.GetValue<string>());
        Assert.Contains("farmer", entry["after"]!.ToJsonString(), StringComparison.Ordinal);

        Assert.Equal((60L, 10_000L - 60), await scene.PoolUsageAsync(flagged));
        Assert.Equal((100L, 10_000L - 100), await scene.PoolUsageAsync(other));
        Assert.Equal((160L, 50 + 60 + 30L, 2L), await scene.ProjectTotalsAsync(p1));
        Assert.Equal((40L, 20L, 1L), await scene.ProjectTotalsAsync(p2));
        var campaign = await _api.GetCampaignAsync(scene.CampaignId);
        Assert.Equal((200L, 160L, 3L), (campaign.Long("raised"), campaign.Long("matched"), campaign.Long("donationCount")));

        // The donation stays accepted; the reversed match is shown as such and leaves matchedTotal.
        var read = await _api.GetDonationAsync(scene.Key, d1["donationId"].GetValue<string>());
        Assert.Equal("accepted", read["status"].GetValue<string>());
        Assert.Equal(Matches.Expect((flagged, 100)) + "(reversed)," + Matches.Expect((other, 50)), Matches.Of(read));
        Assert.Equal(50, read.Long("matchedTotal"));

        // Matched no more by that pool; still by the others; other donors unaffected.
        Assert.Equal(Matches.Expect((other, 50)), Matches.Of(await scene.DonateNewAsync("farmer", 100, p1)));
        Assert.Equal(Matches.Expect((flagged, 10), (other, 5)), Matches.Of(await scene.DonateNewAsync("honest", 10, p1)));
        Assert.Equal((70L, 10_000L - 70), await scene.PoolUsageAsync(flagged));
    }

    [Fact]
    public async Task A_second_clawback_of_the_same_donor_reverses_nothing_more()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 1000L });
        await scene.DonateNewAsync("farmer", 100);

        var first = await _api.ClawbackAsync(pool, "farmer");
        var second = await _api.ClawbackAsync(pool, "farmer");

        ApiClient.Ensure(first, 200);
        ApiClient.Ensure(second, 200);
        Assert.Equal((1L, 100L), (first.Long("matchesReversed"), first.Long("amountReturned")));
        Assert.Equal((0L, 0L), (second.Long("matchesReversed"), second.Long("amountReturned")));
        Assert.Equal((0L, 1000L), await scene.PoolUsageAsync(pool));
        Assert.Equal((100L, 0L, 1L), await scene.ProjectTotalsAsync());
    }

    [Fact]
    public async Task Refunding_a_clawed_back_donation_does_not_return_the_money_twice()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 1000L });
        var donation = await scene.DonateNewAsync("farmer", 100);
        ApiClient.Ensure(await _api.ClawbackAsync(pool, "farmer"), 200);

        var refund = await _api.RefundAsync(scene.Key, donation["donationId"].GetValue<string>());

        ApiClient.Ensure(refund, 200);
        Assert.Equal((0L, 1000L), await scene.PoolUsageAsync(pool));
        Assert.Equal((0L, 0L, 0L), await scene.ProjectTotalsAsync());
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedClawbackTests(EmbeddedDeployment deployment) : ClawbackTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresClawbackTests(PostgresClusterDeployment deployment) : ClawbackTests(deployment);
