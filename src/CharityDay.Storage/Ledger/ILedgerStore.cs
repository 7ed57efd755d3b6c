using CharityDay.Domain;
using CharityDay.Domain.Matching;

namespace CharityDay.Storage.Ledger;

/// <summary>
/// The ledger: the truth every total is derived from. Appends are atomic per call (one
/// transaction), and (partnerId, donationId) is unique in storage.
/// </summary>
public interface ILedgerStore
{
    string Dialect { get; }

    /// <summary>Claims the campaign's ledger for a new activation: every older fence stops working.</summary>
    Task<WriterFence> ClaimWriterAsync(string campaignId, CancellationToken ct = default);

    /// <exception cref="FencedOutException">A newer activation claimed the campaign.</exception>
    /// <exception cref="DuplicateDonationException">A donation id is already in the ledger.</exception>
    Task AppendAsync(IReadOnlyList<LedgerDonation> donations, WriterFence? fence = null, CancellationToken ct = default);

    Task<IReadOnlyDictionary<DonationKey, LedgerDonation>> FindAsync(IReadOnlyCollection<DonationKey> keys, CancellationToken ct = default);

    Task<LedgerDonation?> GetAsync(DonationKey key, CancellationToken ct = default);

    /// <summary>Marks the donation refunded and reverses its live matches, in one transaction.</summary>
    Task<bool> RefundAsync(DonationKey key, DateTimeOffset at, WriterFence? fence = null, CancellationToken ct = default);

    /// <summary>Flags the donor on the pool and reverses every live match the pool gave them.</summary>
    Task<IReadOnlyList<ReversedMatch>> ClawbackAsync(string campaignId, string poolId, string donorId, string reason, string keyId, DateTimeOffset at, WriterFence? fence = null, CancellationToken ct = default);

    Task<CampaignLedgerSnapshot> LoadCampaignAsync(string campaignId, DateOnly fromDay, DateTimeOffset recentSince, CancellationToken ct = default);

    Task AppendAuditAsync(AuditEntry entry, CancellationToken ct = default);

    Task<IReadOnlyList<AuditEntry>> QueryAuditAsync(IReadOnlyCollection<string>? campaignIds, bool includeGlobal, int limit, CancellationToken ct = default);

    Task<bool> PingAsync(CancellationToken ct = default);
}
