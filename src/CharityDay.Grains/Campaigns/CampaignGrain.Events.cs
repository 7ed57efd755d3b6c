using CharityDay.Contracts;
using CharityDay.Domain.Transparency;
using CharityDay.Storage.Ledger;
using Microsoft.Extensions.Logging;

namespace CharityDay.Grains.Campaigns;

/// <summary>
/// SPEC §6: this activation, the campaign's one fenced writer, numbers the campaign's ledger events.
/// The count is the last seq known durable; every ledger write (commit, refund, clawback) runs after
/// the one before it ended, so the next write's seqs follow it. A write whose outcome is unknown
/// forgets the count and the next write reads it again (one index probe); the store refuses events
/// that do not follow its last one, so a wrong count costs a retry, never a gap or a duplicate.
/// </summary>
public sealed partial class CampaignGrain
{
    private long? _lastEventSeq;

    /// <summary>The seq the next ledger write's first event takes. Called by the one write about to start.</summary>
    private async Task<long> NextEventSeqAsync()
    {
        _lastEventSeq ??= await OffTurn(() => ledger.LastEventSeqAsync(CampaignId));
        return _lastEventSeq.Value + 1;
    }

    /// <summary>Accepted events for a batch, built off the activation's turn (a microsecond or so each).</summary>
    private static List<LedgerEvent> AcceptedEvents(IReadOnlyList<LedgerDonation> donations, long firstSeq)
    {
        var events = new List<LedgerEvent>(donations.Count);
        for (var i = 0; i < donations.Count; i++)
        {
            var d = donations[i];
            events.Add(LedgerEvents.Accepted(firstSeq + i, d.CampaignId, d.PartnerId, d.DonationId, d.ProjectId, d.DonorId, d.AmountFen, d.AcceptedAt,
                EventMatches(d, d.Matches), d.OrderCount));
        }
        return events;
    }

    private LedgerEvent RefundedEvent(long seq, LedgerDonation donation, DateTimeOffset at) =>
        LedgerEvents.Refunded(seq, CampaignId, donation.PartnerId, donation.DonationId, donation.ProjectId, donation.AmountFen, at,
            EventMatches(donation, donation.Matches.Where(m => m.IsLive)));

    /// <summary>A points gift's conversion payment is the gift's own amount, not a match (SPEC §7): its events list none, as its answer does.</summary>
    private static IEnumerable<EventMatch> EventMatches(LedgerDonation donation, IEnumerable<LedgerMatch> matches) =>
        donation.IsPointsGift ? [] : matches.Select(m => new EventMatch(m.PoolId, m.AmountFen));

    /// <summary>A clawback that took nothing back moved no money: it is in the audit log, not in the ledger's events.</summary>
    private LedgerEvent? ClawbackEvent(long seq, string poolId, DateTimeOffset at, IReadOnlyList<ReversedMatch> reversed) =>
        reversed.Count == 0
            ? null
            : LedgerEvents.Clawback(seq, CampaignId, poolId, at, [.. reversed.Select(m => new EventReversal(m.PartnerId, m.DonationId, m.ProjectId, m.AmountFen))]);

    /// <summary>The sealer runs wherever it is placed; the campaign's activation makes sure it does.</summary>
    private void WakeSealer() =>
        _ = GrainFactory.GetGrain<ICheckpointSealerGrain>(CampaignId).Start().ContinueWith(
            t => logger.LogWarning(t.Exception, "Campaign {CampaignId}: could not start its checkpoint sealer; the host's sweep will", CampaignId),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}
