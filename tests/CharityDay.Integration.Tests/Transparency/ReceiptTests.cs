using CharityDay.Integration.Tests.Donations;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Transparency;

/// <summary>
/// SPEC §6 receipts and listing on the suite's shared deployments, whose checkpoint interval is the
/// default hour: nothing these tests post is sealed while they run.
/// </summary>
public abstract class ReceiptTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task A_receipt_before_its_checkpoint_is_sealed_is_409_with_retry_after()
    {
        var scene = await Scene.CreateAsync(_api);
        var donation = await scene.DonateNewAsync("u1", 100);

        var receipt = await _api.SendAsync(HttpMethod.Get, $"/v1/donations/{donation["donationId"].GetValue<string>()}/receipt", key: scene.Key);

        ApiClient.Ensure(receipt, 409);
        Assert.Equal("application/problem+json", receipt.ContentType);
        Assert.EndsWith("receipt-not-sealed", receipt["type"].GetValue<string>(), StringComparison.Ordinal);
        var retryAfter = receipt.Headers.RetryAfter?.Delta ?? throw new Xunit.Sdk.XunitException($"no Retry-After: {receipt}");
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task A_receipt_of_an_unknown_or_another_partners_donation_is_404_and_needs_a_partner_key()
    {
        var scene = await Scene.CreateAsync(_api);
        var donation = (await scene.DonateNewAsync("u1", 100))["donationId"].GetValue<string>();
        var (_, otherKey) = await _api.CreatePartnerAsync();

        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Get, "/v1/donations/never-posted/receipt", key: scene.Key), 404);
        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Get, $"/v1/donations/{donation}/receipt", key: otherKey), 404);
        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Get, $"/v1/donations/{donation}/receipt"), 401);
        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Get, $"/v1/donations/{donation}/receipt", key: Deployment.ManagerKey), 403);
    }

    [Fact]
    public async Task Checkpoints_of_an_unknown_campaign_are_404_bad_paging_is_400_and_an_unsealed_campaign_lists_none()
    {
        var scene = await Scene.CreateAsync(_api);
        await scene.DonateNewAsync("u1", 100);

        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Get, "/v1/campaigns/no-such-campaign/checkpoints"), 404);
        foreach (var query in new[] { "limit=0", "limit=1001", "limit=x", "after=-1", "after=abc" })
        {
            var bad = await _api.SendAsync(HttpMethod.Get, $"/v1/campaigns/{scene.CampaignId}/checkpoints?{query}");
            ApiClient.Ensure(bad, 400);
            Assert.Contains(query.Split('=')[0], bad.Body, StringComparison.Ordinal);
        }
        var listing = await LedgerProofClient.GetUntilFoundAsync(_api, $"/v1/campaigns/{scene.CampaignId}/checkpoints");
        ApiClient.Ensure(listing, 200);
        Assert.Empty(listing["items"].AsArray());
        Assert.Null(listing.Json!["next"]);
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedReceiptTests(EmbeddedDeployment deployment) : ReceiptTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresReceiptTests(PostgresClusterDeployment deployment) : ReceiptTests(deployment);
