using CharityDay.Contracts;
using CharityDay.Domain;
using CharityDay.Domain.Matching;
using CharityDay.Domain.Writing;
using CharityDay.Storage.Ledger;

namespace CharityDay.Grains.Campaigns;

/// <summary>The campaign write path's view of a posted donation and of a ledger row.</summary>
public sealed class LedgerRows(string campaignId) : IDonationRows<PendingDonation, LedgerDonation>
{
    public DonationKey KeyOf(PendingDonation request) => new(request.Request.PartnerId, request.Request.DonationId);

    public string ProjectOf(PendingDonation request) => request.Request.ProjectId;

    public bool SamePayload(LedgerDonation stored, PendingDonation request) => stored.HasSamePayload(request.Request);

    public DonationFacts Facts(PendingDonation request, DateTimeOffset acceptedAt)
    {
        var r = request.Request;
        return new DonationFacts(new DonationKey(r.PartnerId, r.DonationId), r.DonorId, r.ProjectId, r.AmountFen, acceptedAt);
    }

    public LedgerDonation Row(PendingDonation request, DonationFacts facts, DateOnly localDay, IReadOnlyList<PoolMatch> matches)
    {
        var r = request.Request;
        return new LedgerDonation(
            r.PartnerId, r.DonationId, campaignId, r.ProjectId, r.DonorId, r.AmountFen,
            r.Currency, r.OccurredAt, r.TeamId, r.Channel, facts.AcceptedAt, localDay,
            DonationStatus.Accepted, null, [.. matches.Select(m => new LedgerMatch(m.PoolId, m.AmountFen, m.RatioBps))]);
    }

    public RowFigures Figures(LedgerDonation row) =>
        new(row.Key, row.ProjectId, row.AmountFen, [.. row.Matches.Where(m => m.IsLive).Select(m => row.ToRecord(m))]);
}
