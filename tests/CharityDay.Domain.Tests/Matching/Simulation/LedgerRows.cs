using CharityDay.Domain.Matching;

namespace CharityDay.Domain.Tests.Matching.Simulation;

/// <summary>
/// One pool's match of one donation as the simulated ledger keeps it. A reversed match stays,
/// marked with why (refund or clawback), exactly as a row of the <c>matches</c> table does.
/// </summary>
internal sealed record LedgerMatchRow(string PoolId, long AmountFen, int RatioBps, string? Reversal = null)
{
    public bool IsLive => Reversal is null;
}

/// <summary>One donation row of the simulated ledger with its matches in stacking order.</summary>
internal sealed record LedgerRow(
    DonationKey Key,
    string DonorId,
    string ProjectId,
    long AmountFen,
    DateTimeOffset AcceptedAt,
    DateOnly LocalDay,
    bool Refunded,
    IReadOnlyList<LedgerMatchRow> Matches)
{
    public DonorKey Donor => new(Key.PartnerId, DonorId);

    public MatchRecord ToRecord(LedgerMatchRow match) => new(match.PoolId, ProjectId, Donor, LocalDay, match.AmountFen);

    public override string ToString() =>
        $"{Key.PartnerId}/{Key.DonationId} {DonorId}->{ProjectId} {AmountFen} at {AcceptedAt:HH:mm:ss.fff} ({LocalDay})" +
        $"{(Refunded ? " refunded" : "")} [{string.Join(", ", Matches.Select(m => $"{m.PoolId}:{m.AmountFen}@{m.RatioBps}{(m.IsLive ? "" : "/" + m.Reversal)}"))}]";
}
