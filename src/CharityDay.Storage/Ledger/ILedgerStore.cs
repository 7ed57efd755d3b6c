using CharityDay.Domain;
using CharityDay.Domain.Matching;
using CharityDay.Domain.Transparency;
using CharityDay.Domain.Writing;

namespace CharityDay.Storage.Ledger;

/// <summary>
/// The ledger: the truth every total is derived from. Appends are atomic per call (one
/// transaction), and (partnerId, donationId) is unique in storage.
/// </summary>
public interface ILedgerStore : ILedgerProofStore
{
    string Dialect { get; }

    /// <summary>Claims the campaign's ledger for a new activation: every older fence stops working.</summary>
    Task<WriterFence> ClaimWriterAsync(string campaignId, CancellationToken ct = default);

    /// <exception cref="FencedOutException">A newer activation claimed the campaign.</exception>
    /// <exception cref="DuplicateDonationException">A donation id is already in the ledger.</exception>
    /// <param name="sumsThrough">
    /// When given, the campaign's durable sums are moved forward in the same transaction to cover every
    /// donation accepted up to this instant (all of them must be committed by the end of it).
    /// </param>
    /// <param name="events">The batch's ledger events (SPEC §6), written in the same transaction; their seqs must follow the campaign's last.</param>
    /// <exception cref="EventSequenceException">The events' seqs do not follow the campaign's last event; nothing was written.</exception>
    Task AppendAsync(IReadOnlyList<LedgerDonation> donations, WriterFence? fence = null, DateTimeOffset? sumsThrough = null,
        IReadOnlyList<LedgerEvent>? events = null, CancellationToken ct = default);

    Task<IReadOnlyDictionary<DonationKey, LedgerDonation>> FindAsync(IReadOnlyCollection<DonationKey> keys, CancellationToken ct = default);

    Task<LedgerDonation?> GetAsync(DonationKey key, CancellationToken ct = default);

    /// <summary>Marks the donation refunded and reverses its live matches, in one transaction.</summary>
    /// <param name="refundEvent">Written in the same transaction when the refund happens (returns true), never otherwise.</param>
    Task<bool> RefundAsync(DonationKey key, DateTimeOffset at, WriterFence? fence = null, LedgerEvent? refundEvent = null, CancellationToken ct = default);

    /// <summary>
    /// Flags the donor on the pool (on every platform, or only <paramref name="partnerId"/>'s) and
    /// reverses every live match the pool gave them there; the admin commit
    /// made from what was reversed (audit entry, answer) is written in the same transaction.
    /// </summary>
    /// <param name="ledgerEvent">Made from what was reversed and written in the same transaction (null: no event).</param>
    /// <exception cref="AdminCommitRefusedException">The admin commit was refused; nothing was written.</exception>
    Task<IReadOnlyList<ReversedMatch>> ClawbackAsync(string campaignId, string poolId, string donorId, string reason, string keyId, DateTimeOffset at, WriterFence? fence = null,
        Func<IReadOnlyList<ReversedMatch>, AdminCommit>? audit = null, string? partnerId = null,
        Func<IReadOnlyList<ReversedMatch>, LedgerEvent?>? ledgerEvent = null, CancellationToken ct = default);

    /// <summary>
    /// The campaign's durable sums plus the rows accepted after their mark (the tail), the clawback
    /// flags, and the donations since <paramref name="recentSince"/> when given.
    /// </summary>
    Task<CampaignLedgerSnapshot> LoadCampaignAsync(string campaignId, DateTimeOffset? recentSince, CancellationToken ct = default);

    /// <summary>The same sums recomputed from the donation and match rows: O(donations), for verification only.</summary>
    Task<CampaignLedgerSnapshot> RecomputeCampaignAsync(string campaignId, CancellationToken ct = default);

    /// <summary>Every campaign the ledger has sums or a writer for.</summary>
    Task<IReadOnlyList<string>> CampaignIdsAsync(CancellationToken ct = default);

    /// <summary>The donors' live matches on the load's day by each of its pools (a donor with none has no row).</summary>
    Task<IReadOnlyList<DonorDayRow>> LoadDonorDaysAsync(string campaignId, DonorLoad load, CancellationToken ct = default);

    Task<bool> PingAsync(CancellationToken ct = default);

    /// <summary>Names a partner's team in a campaign (SPEC §7), under the campaign's writer fence.</summary>
    /// <exception cref="FencedOutException">A newer activation claimed the campaign.</exception>
    Task<TeamWriteResult> PutTeamAsync(LedgerTeam team, WriterFence? fence = null, CancellationToken ct = default);

    Task<LedgerTeam?> GetTeamAsync(string partnerId, string teamId, CancellationToken ct = default);

    /// <summary>Creates, replaces or cancels a pledge (SPEC §7), under the campaign's writer fence.</summary>
    /// <exception cref="FencedOutException">A newer activation claimed the campaign.</exception>
    Task PutPledgeAsync(LedgerPledge pledge, WriterFence? fence = null, CancellationToken ct = default);

    Task<LedgerPledge?> GetPledgeAsync(string partnerId, string pledgeId, CancellationToken ct = default);

    Task<IReadOnlyList<LedgerPledge>> CampaignPledgesAsync(string campaignId, CancellationToken ct = default);

    /// <summary>Every team named in the campaign.</summary>
    Task<IReadOnlyList<LedgerTeam>> CampaignTeamsAsync(string campaignId, CancellationToken ct = default);

    /// <summary>Files a use-of-funds report (SPEC §6) with its ledger event, in one transaction, under the campaign's writer fence.</summary>
    /// <exception cref="FencedOutException">A newer activation claimed the campaign.</exception>
    /// <exception cref="EventSequenceException">The event's seq does not follow the campaign's last; nothing was written.</exception>
    Task FileReportAsync(LedgerReport report, LedgerEvent reportEvent, WriterFence? fence = null, CancellationToken ct = default);

    Task<LedgerReport?> GetReportAsync(string projectId, string reportId, CancellationToken ct = default);

    /// <summary>The project's reports in filing order, after the one whose event is <paramref name="afterSeq"/>.</summary>
    Task<IReadOnlyList<LedgerReport>> ProjectReportsAsync(string projectId, long afterSeq, int limit, CancellationToken ct = default);

    /// <summary>Spent and report count per project of the campaign.</summary>
    Task<IReadOnlyDictionary<string, (long SpentFen, int Count)>> CampaignSpentAsync(string campaignId, CancellationToken ct = default);
}
