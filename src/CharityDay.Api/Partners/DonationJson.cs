using CharityDay.Contracts;

namespace CharityDay.Api.Partners;

/// <summary>The donation as SPEC §4 shows it to partners.</summary>
public static class DonationJson
{
    public static object Of(DonationView d, bool replayed) => new
    {
        donationId = d.DonationId,
        partnerId = d.PartnerId,
        projectId = d.ProjectId,
        campaignId = d.CampaignId,
        donorId = d.PersonDonorId,
        merchantId = d.MerchantId,
        orderCount = d.OrderCount,
        amount = d.AmountFen,
        currency = d.Currency,
        occurredAt = d.OccurredAt,
        teamId = d.TeamId,
        channel = d.Channel,
        pledgeId = d.PledgeId,
        points = d.Points,
        pointsProgram = d.PointsProgram,
        status = d.Status,
        acceptedAt = d.AcceptedAt,
        refundedAt = d.RefundedAt,
        matches = d.Matches.Select(m => new { poolId = m.PoolId, amount = m.AmountFen, ratioBps = m.RatioBps, reversed = m.Reversed }),
        matchedTotal = d.Matches.Where(m => !m.Reversed).Sum(m => m.AmountFen),
        replayed,
    };
}
