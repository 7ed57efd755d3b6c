using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>SPEC §2 refunds: the donation leaves every total and its matches go back where they came from.</summary>
public abstract class RefundTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task Refund_removes_the_donation_from_every_total_and_returns_its_matches()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 1000L, ["perDonorDailyCap"] = 100L, ["perProjectCap"] = 150L, ["perDonorDailyCount"] = 1 });
        var first = await scene.DonateNewAsync("u1", 100, donationId: "to-refund");
        Assert.Equal(Matches.Expect((pool, 100)), Matches.Of(first));
        Assert.Equal("", Matches.Of(await scene.DonateNewAsync("u1", 50, donationId: "capped")));

        var refund = await _api.RefundAsync(scene.Key, "to-refund");
        ApiClient.Ensure(refund, 200);
        Assert.Equal("refunded", refund["status"].GetValue<string>());
        Assert.Equal(0, refund.Long("matchedTotal"));
        Assert.Equal(first["acceptedAt"].ToJsonString(), refund["acceptedAt"].ToJsonString());

        Assert.Equal((50L, 0L, 1L), await scene.ProjectTotalsAsync());
        Assert.Equal((0L, 1000L), await scene.PoolUsageAsync(pool));

        // The donor's daily allowance (amount and count) and the project cap are back: matched again up to the caps.
        Assert.Equal(Matches.Expect((pool, 100)), Matches.Of(await scene.DonateNewAsync("u1", 120)));
        Assert.Equal(Matches.Expect((pool, 50)), Matches.Of(await scene.DonateNewAsync("u2", 80)));
        Assert.Equal((250L, 150L, 3L), await scene.ProjectTotalsAsync());
        var campaign = await _api.GetCampaignAsync(scene.CampaignId);
        Assert.Equal((250L, 150L, 3L), (campaign.Long("raised"), campaign.Long("matched"), campaign.Long("donationCount")));

        var read = await _api.GetDonationAsync(scene.Key, "to-refund");
        Assert.Equal("refunded", read["status"].GetValue<string>());
        Assert.Equal(Matches.Expect((pool, 100)) + "(reversed)", Matches.Of(read));
    }

    [Fact]
    public async Task Refunding_twice_is_a_no_op_with_the_same_result()
    {
        var scene = await Scene.CreateAsync(_api);
        await scene.PoolAsync(new() { ["budget"] = 1000L });
        await scene.DonateNewAsync("u1", 100, donationId: "twice");

        var first = await _api.RefundAsync(scene.Key, "twice");
        var totals = await scene.TotalsAsync();
        var second = await _api.RefundAsync(scene.Key, "twice");

        ApiClient.Ensure(first, 200);
        ApiClient.Ensure(second, 200);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(totals, await scene.TotalsAsync());
    }

    [Fact]
    public async Task Refunds_of_concurrent_callers_count_once()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 1000L });
        await scene.DonateNewAsync("u1", 100, donationId: "racy");
        await scene.DonateNewAsync("u1", 30, donationId: "kept");

        var refunds = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _api.RefundAsync(scene.Key, "racy")));

        Assert.All(refunds, r => ApiClient.Ensure(r, 200));
        Assert.Single(refunds.Select(r => r.Body).Distinct());
        Assert.Equal((30L, 30L, 1L), await scene.ProjectTotalsAsync());
        Assert.Equal((30L, 970L), await scene.PoolUsageAsync(pool));
    }

    [Fact]
    public async Task Refund_of_an_unknown_or_another_partners_donation_is_404_and_changes_nothing()
    {
        var scene = await Scene.CreateAsync(_api);
        await scene.PoolAsync(new() { ["budget"] = 1000L });
        await scene.DonateNewAsync("u1", 100, donationId: "mine");
        var (_, otherKey) = await _api.CreatePartnerAsync();
        var before = await scene.TotalsAsync();

        var unknown = await _api.RefundAsync(scene.Key, "never-posted");
        var foreign = await _api.RefundAsync(otherKey, "mine");

        Assert.Equal(404, unknown.Code);
        Assert.Equal(404, foreign.Code);
        Assert.Equal("application/problem+json", foreign.ContentType);
        Assert.Equal(before, await scene.TotalsAsync());
        Assert.Equal("accepted", (await _api.GetDonationAsync(scene.Key, "mine"))["status"].GetValue<string>());
    }

    [Fact]
    public async Task Replaying_a_refunded_donation_does_not_bring_it_back()
    {
        var scene = await Scene.CreateAsync(_api);
        await scene.PoolAsync(new() { ["budget"] = 1000L });
        await scene.DonateNewAsync("u1", 100, donationId: "gone");
        ApiClient.Ensure(await _api.RefundAsync(scene.Key, "gone"), 200);
        var totals = await scene.TotalsAsync();

        var replay = await scene.DonateAsync("u1", 100, donationId: "gone");

        Assert.Equal(200, replay.Code);
        Assert.True(replay["replayed"].GetValue<bool>(), replay.Body);
        Assert.Equal("refunded", replay["status"].GetValue<string>());
        Assert.Equal(totals, await scene.TotalsAsync());
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedRefundTests(EmbeddedDeployment deployment) : RefundTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresRefundTests(PostgresClusterDeployment deployment) : RefundTests(deployment);
