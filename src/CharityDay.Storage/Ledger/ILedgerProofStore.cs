using CharityDay.Domain.Transparency;

namespace CharityDay.Storage.Ledger;

/// <summary>
/// SPEC §6's verifiable ledger in storage: the campaigns' event sequences (written by the ledger's own
/// appends, refunds and clawbacks, in their transactions) and the checkpoints sealed over them.
/// </summary>
public interface ILedgerProofStore
{
    /// <summary>The campaign's highest event seq (0 before its first event).</summary>
    Task<long> LastEventSeqAsync(string campaignId, CancellationToken ct = default);

    /// <summary>The campaign's events with <paramref name="fromSeq"/> ≤ seq ≤ <paramref name="toSeq"/>, in seq order.</summary>
    Task<IReadOnlyList<LedgerEvent>> ReadEventsAsync(string campaignId, long fromSeq, long toSeq, CancellationToken ct = default);

    /// <summary>The event a receipt is asked for by (<see cref="ReceiptKeys"/>), with its campaign; null when there is none.</summary>
    Task<(string CampaignId, LedgerEvent Event)?> FindReceiptEventAsync(string receiptKey, CancellationToken ct = default);

    Task<Checkpoint?> LastCheckpointAsync(string campaignId, CancellationToken ct = default);

    /// <summary>Writes a sealed checkpoint once; false (and nothing written) when the campaign already has one with its seq.</summary>
    Task<bool> InsertCheckpointAsync(string campaignId, Checkpoint checkpoint, CancellationToken ct = default);

    /// <summary>The campaign's checkpoints after <paramref name="afterSeq"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<Checkpoint>> ListCheckpointsAsync(string campaignId, long afterSeq, int limit, CancellationToken ct = default);

    /// <summary>The checkpoint that sealed the event, or null while it is unsealed.</summary>
    Task<Checkpoint?> CheckpointOfEventAsync(string campaignId, long eventSeq, CancellationToken ct = default);
}
