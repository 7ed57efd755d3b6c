using CharityDay.Contracts;
using CharityDay.Domain;
using CharityDay.Storage.Ledger;
using Orleans.Concurrency;

namespace CharityDay.Grains.Campaigns;

/// <summary>A stateless front to the ledger: runs on the silo that took the request.</summary>
[StatelessWorker]
public sealed class DonationLookupGrain(ILedgerStore ledger) : Grain, IDonationLookupGrain
{
    public async Task<DonationView?> Get(string partnerId, string donationId) =>
        (await ledger.GetAsync(new DonationKey(partnerId, donationId)))?.ToView();

    public async Task<RefundOutcome> Refund(string partnerId, string donationId)
    {
        var donation = await ledger.GetAsync(new DonationKey(partnerId, donationId));
        return donation is null
            ? new RefundOutcome(RefundResultKind.NotFound, null)
            : await GrainFactory.GetGrain<ICampaignGrain>(donation.CampaignId).Refund(partnerId, donationId);
    }

    /// <summary>A pledge is cancelled by its campaign, the one authority its charges are checked by.</summary>
    public async Task<PledgeOutcome> CancelPledge(string partnerId, string pledgeId) =>
        await ledger.GetPledgeAsync(partnerId, pledgeId) is { } pledge
            ? await GrainFactory.GetGrain<ICampaignGrain>(pledge.CampaignId).CancelPledge(partnerId, pledgeId)
            : new PledgeOutcome(PledgeResult.NotFound, null, $"pledge {pledgeId} does not exist");
}
