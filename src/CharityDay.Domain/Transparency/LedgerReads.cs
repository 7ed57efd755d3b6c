namespace CharityDay.Domain.Transparency;

/// <summary>
/// The ledger as SPEC §6 reads it back: the daily export, its summary, a pool's statement and a
/// campaign's disclosure figures. A read port, implemented by the ledger store: every call reads
/// on a connection of its own, outside any write transaction, so it never holds a campaign's
/// writer nor waits for one (and a commit never waits for it).
/// </summary>
public interface ILedgerReads
{
    /// <summary>
    /// The donations accepted on <paramref name="day"/> (campaign-local, as stored at acceptance),
    /// one row at a time in acceptance order, straight off the database: nothing is buffered.
    /// </summary>
    /// <param name="partnerId">Only this partner's rows; null: every partner's.</param>
    IAsyncEnumerable<ExportRow> ExportDonationsAsync(string campaignId, DateOnly day, string? partnerId, CancellationToken ct = default);

    /// <summary>The sums of exactly those rows per partner, computed by the database from the same row definition.</summary>
    Task<IReadOnlyList<ExportSums>> SummarizeDonationsAsync(string campaignId, DateOnly day, string? partnerId, CancellationToken ct = default);

    /// <summary>Every match the pool ever gave, grouped for a sponsor statement (one consistent snapshot).</summary>
    Task<PoolMatchLedger> PoolMatchesAsync(string poolId, CancellationToken ct = default);

    /// <summary>The campaign's figures for its public disclosure, from the durable sums plus the rows after their mark.</summary>
    Task<DisclosureFigures> DisclosureFiguresAsync(string campaignId, CancellationToken ct = default);
}

/// <summary>
/// One donation of a daily export (SPEC §6). <see cref="Matches"/> are the matches as accepted,
/// <c>poolId:amount</c> joined by <c>;</c> in stacking order (reversed ones included: they were
/// given, then taken back); <see cref="MatchedTotalFen"/> is the live part of them, as a donation
/// read shows it (0 once refunded). <see cref="DonorId"/> is the donor string (a merchant's for a merchant gift).
/// </summary>
public sealed record ExportRow(
    string PartnerId,
    string DonationId,
    string ProjectId,
    string DonorId,
    string? TeamId,
    long AmountFen,
    string Status,
    DateTimeOffset AcceptedAt,
    DateTimeOffset? RefundedAt,
    long MatchedTotalFen,
    string Matches,
    int? OrderCount = null)
{
    /// <summary>SPEC §6: a merchant gift's row shows its merchant and orders, and no donorId.</summary>
    public string? MerchantId => Giving.MerchantDonor.MerchantOf(DonorId);

    public string? PersonDonorId => Giving.MerchantDonor.PersonOf(DonorId);
}

/// <summary>
/// One partner's sums over its export rows: <see cref="Count"/> rows, raised and matched over the
/// rows still accepted, refunded over the rows now refunded.
/// </summary>
public sealed record ExportSums(string PartnerId, long Count, long RaisedFen, long RefundedFen, long MatchedFen)
{
    public static ExportSums Total(IEnumerable<ExportSums> parts) =>
        parts.Aggregate(new ExportSums("", 0, 0, 0, 0), (sum, p) =>
            new ExportSums("", sum.Count + p.Count, sum.RaisedFen + p.RaisedFen, sum.RefundedFen + p.RefundedFen, sum.MatchedFen + p.MatchedFen));
}

/// <summary>
/// A pool's matches for its statement: what it matched per project and acceptance day, and what was
/// taken back (refunds, clawbacks) per project and <see cref="PoolStatement.BucketMs"/> bucket of
/// the reversal instant, to be placed on campaign-local days by <see cref="PoolStatement"/>.
/// </summary>
public sealed record PoolMatchLedger(
    IReadOnlyList<(string ProjectId, DateOnly Day, long MatchedFen)> Matched,
    IReadOnlyList<(string ProjectId, long BucketStartMs, long ReversedFen)> Reversed);

/// <summary>A campaign's ledger figures for its disclosure.</summary>
/// <param name="Raised">Accepted, not refunded donations per project and partner (fen, count).</param>
/// <param name="Matched">Live matches per pool and project.</param>
/// <param name="Refunded">Refunded donations per project (fen, count).</param>
public sealed record DisclosureFigures(
    IReadOnlyList<(string ProjectId, string PartnerId, long RaisedFen, long Donations)> Raised,
    IReadOnlyList<(string PoolId, string ProjectId, long MatchedFen)> Matched,
    IReadOnlyList<(string ProjectId, long RefundedFen, long Donations)> Refunded);
