using CharityDay.Contracts;
using CharityDay.Domain;
using CharityDay.Domain.Matching;
using CharityDay.Storage.Ledger;

namespace CharityDay.Grains.Campaigns;

public static class LedgerMapping
{
    public static DonationView ToView(this LedgerDonation d) => new(
        d.DonationId, d.PartnerId, d.ProjectId, d.CampaignId, d.DonorId, d.AmountFen, d.Currency, d.OccurredAt,
        d.TeamId, d.Channel, d.Status, d.AcceptedAt,
        // A points gift's one match row is its conversion pool paying its own amount (SPEC §7): not a match.
        d.IsPointsGift ? [] : [.. d.Matches.Select(m => new MatchView(m.PoolId, m.AmountFen, m.RatioBps, !m.IsLive))], d.RefundedAt, d.PledgeId,
        d.Points, d.PointsProgram, d.OrderCount);

    /// <summary>Same payload = same donation (SPEC §2); anything else under the same id is a conflict.</summary>
    public static bool HasSamePayload(this LedgerDonation stored, DonationRequest request) =>
        stored.ProjectId == request.ProjectId
        && stored.DonorId == request.DonorId
        && (request.IsPointsGift ? stored.PointsOffered == request.Points : stored.AmountFen == request.AmountFen)
        && stored.PointsProgram == request.PointsProgram
        && stored.Currency == request.Currency
        && stored.OccurredAt?.ToUnixTimeMilliseconds() == request.OccurredAt?.ToUnixTimeMilliseconds()
        && stored.TeamId == request.TeamId
        && stored.Channel == request.Channel
        && stored.PledgeId == request.PledgeId
        && stored.OrderCount == request.OrderCount;

    public static MatchRecord ToRecord(this LedgerDonation d, LedgerMatch m) =>
        new(m.PoolId, d.ProjectId, new DonorKey(d.PartnerId, d.DonorId), d.LocalDay, m.AmountFen);

    public static PoolRules ToRules(this PoolSettings p) => new()
    {
        PoolId = p.PoolId,
        CampaignId = p.CampaignId,
        Sponsor = p.Sponsor,
        BudgetFen = p.BudgetFen,
        RatioBps = p.RatioBps,
        RandomRatioBps = p.RandomRatioBps is { } r ? new RatioRange(r.Min, r.Max) : null,
        Seed = p.Seed is { } seed ? Convert.FromHexString(seed) : new byte[RandomRatio.SeedBytes],
        PerDonationCapFen = p.PerDonationCapFen,
        PerDonorDailyCapFen = p.PerDonorDailyCapFen,
        PerDonorDailyCount = p.PerDonorDailyCount,
        PerDonorMinuteCount = p.PerDonorMinuteCount,
        PerProjectCapFen = p.PerProjectCapFen,
        DailyBudgetFen = p.DailyBudgetFen,
        DailyOpensAt = p.DailyOpensAt is { } opens ? TimeOnly.ParseExact(opens, "HH:mm", System.Globalization.CultureInfo.InvariantCulture) : null,
        MinDonationFen = p.MinDonationFen,
        ProjectIds = p.ProjectIds is { } ids ? new HashSet<string>(ids, StringComparer.Ordinal) : null,
        StartsAt = p.StartsAt,
        EndsAt = p.EndsAt,
        Priority = p.Priority,
        Paused = p.Paused,
        PledgesOnly = p.PledgesOnly,
        FirstChargeOnly = p.FirstChargeOnly,
        MerchantGifts = p.MerchantGifts,
        PointsProgram = p.PointsProgram,
        FenPer1000Points = p.FenPer1000Points ?? 0,
    };
}
