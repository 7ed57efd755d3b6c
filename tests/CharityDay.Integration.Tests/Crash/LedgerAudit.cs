using System.Text.Json.Nodes;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Crash;

/// <summary>The auditor: checks SPEC §3 invariants against everything that was acknowledged.</summary>
public static class LedgerAudit
{
    public static async Task VerifyAsync(ApiClient api, string partnerKey, string campaignId, string poolId, long budget, long perDonorDailyCap,
        IReadOnlyDictionary<string, JsonNode> acknowledged)
    {
        // Every acknowledged donation is in the ledger exactly as acknowledged.
        foreach (var (id, ack) in acknowledged)
        {
            var stored = await api.SendAsync(HttpMethod.Get, $"/v1/donations/{id}", key: partnerKey);
            Assert.True(stored.Code == 200, $"acknowledged donation {id} is missing: {stored}");
            Assert.Equal(ack["amount"]!.GetValue<long>(), stored.Long("amount"));
            Assert.Equal(ack["matchedTotal"]!.GetValue<long>(), stored.Long("matchedTotal"));
        }

        var raised = acknowledged.Values.Sum(a => a["amount"]!.GetValue<long>());
        var matched = acknowledged.Values.Sum(a => a["matchedTotal"]!.GetValue<long>());
        var campaign = await api.GetCampaignAsync(campaignId);
        Assert.True(raised == campaign.Long("raised"), $"campaign raised: expected {raised} (sum of acknowledged), actual {campaign.Long("raised")}");
        Assert.True(acknowledged.Count == campaign.Long("donationCount"), $"donationCount: expected {acknowledged.Count}, actual {campaign.Long("donationCount")}");
        Assert.True(matched == campaign.Long("matched"), $"campaign matched: expected {matched}, actual {campaign.Long("matched")}");

        var pool = await api.GetPoolAsync(poolId);
        Assert.True(pool.Long("matched") == matched, $"pool matched: expected {matched}, actual {pool.Long("matched")}");
        Assert.True(matched <= budget, $"pool over-spent: matched {matched} > budget {budget}");

        // Per-donor daily caps, from the answers alone.
        foreach (var donor in acknowledged.Values.GroupBy(a => a["donorId"]!.GetValue<string>()))
        {
            var donorMatched = donor.Sum(a => a["matchedTotal"]!.GetValue<long>());
            Assert.True(donorMatched <= perDonorDailyCap, $"donor {donor.Key} matched {donorMatched} > cap {perDonorDailyCap}");
        }

        // No stranded budget: demand (every donation wanted up to its donor's cap) exceeded the budget.
        var demand = acknowledged.Values.GroupBy(a => a["donorId"]!.GetValue<string>())
            .Sum(d => Math.Min(perDonorDailyCap, d.Sum(a => a["amount"]!.GetValue<long>())));
        if (demand > budget)
        {
            Assert.True(pool.Long("remaining") == 0, $"demand {demand} exceeded budget {budget} but {pool.Long("remaining")} remains stranded");
        }
    }
}
