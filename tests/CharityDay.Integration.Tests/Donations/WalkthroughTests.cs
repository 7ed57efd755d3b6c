using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>The README's walk-through, end to end, on every profile.</summary>
public abstract class WalkthroughTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task A_donation_is_matched_totalled_replayed_and_refunded()
    {
        var campaign = await _api.CreateCampaignAsync();
        var parent = await _api.CreateProjectAsync(campaign);
        var child = await _api.CreateProjectAsync(campaign, parentProjectId: parent);
        var pool = await _api.CreatePoolAsync(campaign, new() { ["budget"] = 1000L, ["ratioBps"] = 10000, ["perDonorDailyCap"] = 300L });
        var (partner, key) = await _api.CreatePartnerAsync();

        var first = await _api.DonateAsync(key, "d1", child, "u1", 500);
        Assert.Equal(201, first.Code);
        Assert.Equal(300, first["matchedTotal"].GetValue<long>());
        Assert.False(first["replayed"].GetValue<bool>());

        var replay = await _api.DonateAsync(key, "d1", child, "u1", 500);
        Assert.Equal(200, replay.Code);
        Assert.True(replay["replayed"].GetValue<bool>());
        Assert.Equal(first["acceptedAt"].ToJsonString(), replay["acceptedAt"].ToJsonString());

        var parentView = await _api.GetProjectAsync(parent);
        Assert.Equal(0, parentView.Long("raised"));
        Assert.Equal(500, parentView["rollup"]["raised"]!.GetValue<long>());
        Assert.Equal(300, parentView["rollup"]["matched"]!.GetValue<long>());
        var childView = await _api.GetProjectAsync(child);
        Assert.Equal(500, childView["byPartner"][partner]!.GetValue<long>());

        var refund = await _api.SendAsync(HttpMethod.Post, "/v1/donations/d1/refund", key: key);
        Assert.Equal(200, refund.Code);
        Assert.Equal("refunded", refund["status"].GetValue<string>());

        var campaignView = await _api.GetCampaignAsync(campaign);
        Assert.Equal(0, campaignView.Long("raised"));
        Assert.Equal(0, campaignView.Long("matched"));
        var poolView = await _api.GetPoolAsync(pool);
        Assert.Equal(1000, poolView.Long("remaining"));
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedWalkthroughTests(EmbeddedDeployment deployment) : WalkthroughTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresWalkthroughTests(PostgresClusterDeployment deployment) : WalkthroughTests(deployment);
