using CharityDay.Contracts;
using CharityDay.Domain;
using CharityDay.Domain.Matching;
using CharityDay.Domain.Writing;
using CharityDay.Storage.Ledger;

namespace CharityDay.Grains.Campaigns;

/// <summary>The campaign write path's view of a posted donation and of a ledger row.</summary>
public sealed class LedgerRows(string campaignId) : IDonationRows<PendingDonation, LedgerDonation>
{
    // Every posted donation brings its own copies of the partner and project ids; the rows and donor
    // keys kept for a while share one instance per id. Only accepted donations' ids (authenticated
    // partners, existing projects) enter, so it stays as small as the campaign.
    private readonly Dictionary<string, string> _ids = new(StringComparer.Ordinal);

    public DonationKey KeyOf(PendingDonation request) => new(request.Request.PartnerId, request.Request.DonationId);

    public string ProjectOf(PendingDonation request) => request.Request.ProjectId;

    public DonorKey DonorOf(PendingDonation request) => new(request.Request.PartnerId, request.Request.DonorId);

    public string? PledgeOf(PendingDonation request) => request.Request.PledgeId;

    public bool SamePayload(LedgerDonation stored, PendingDonation request) => stored.HasSamePayload(request.Request);

    public DonationFacts Facts(PendingDonation request, DateTimeOffset acceptedAt)
    {
        var r = request.Request;
        return new DonationFacts(new DonationKey(Shared(r.PartnerId), r.DonationId), r.DonorId, Shared(r.ProjectId), r.AmountFen, acceptedAt,
            PointsProgram: r.PointsProgram, PointsOffered: r.Points ?? 0);
    }

    public LedgerDonation Row(PendingDonation request, DonationFacts facts, DateOnly localDay, IReadOnlyList<PoolMatch> matches)
    {
        var r = request.Request;
        return new LedgerDonation(
            facts.Key.PartnerId, r.DonationId, campaignId, facts.ProjectId, r.DonorId, facts.AmountFen,
            r.Currency, r.OccurredAt, r.TeamId, r.Channel, facts.AcceptedAt, localDay,
            DonationStatus.Accepted, null, [.. matches.Select(m => new LedgerMatch(m.PoolId, m.AmountFen, m.RatioBps))], r.PledgeId,
            r.IsPointsGift ? facts.PointsUsed : null, r.Points, r.PointsProgram, r.OrderCount);
    }

    private string Shared(string id)
    {
        if (_ids.TryGetValue(id, out var shared))
        {
            return shared;
        }
        _ids[id] = id;
        return id;
    }

    public RowFigures Figures(LedgerDonation row) =>
        new(row.Key, row.ProjectId, row.AmountFen, [.. row.Matches.Where(m => m.IsLive).Select(m => row.ToRecord(m))], row.AcceptedAt, row.TeamId, row.DonorId,
            row.IsPointsGift ? row.Points ?? 0 : null, row.OrderCount);
}
