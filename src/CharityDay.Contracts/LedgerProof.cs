using Orleans.Concurrency;

namespace CharityDay.Contracts;

/// <summary>
/// Seals one campaign's ledger events into checkpoints (SPEC §6), on a timer, in this one activation.
/// Keyed by campaign id. Never on the donation write path: it reads what the writer committed.
/// </summary>
[Alias("cd.ICheckpointSealerGrain")]
public interface ICheckpointSealerGrain : IGrainWithStringKey
{
    /// <summary>Makes sure the sealing timer runs (idempotent: anyone may call it, any number of times).</summary>
    [Alias("Start")] Task Start();

    /// <summary>Seals every committed unsealed event now; the number of checkpoints sealed.</summary>
    [Alias("SealNow")] Task<int> SealNow();
}

/// <summary>The silo-local reader of checkpoints and receipts: never the campaign's writer, never its sealer.</summary>
[Alias("cd.ILedgerProofGrain")]
public interface ILedgerProofGrain : IGrainWithIntegerKey
{
    /// <summary>The campaign's checkpoints after <paramref name="afterSeq"/>, oldest first, and the next page's cursor.</summary>
    [Alias("Checkpoints")] Task<CheckpointPage> Checkpoints(string campaignId, long afterSeq, int limit);

    /// <summary>The receipt of the partner's donation's acceptance event.</summary>
    [Alias("DonationReceipt")] Task<ReceiptAnswer> DonationReceipt(string partnerId, string donationId);

    /// <summary>The receipt of a use-of-funds report's ledger event (SPEC §6).</summary>
    [Alias("ReportReceipt")] Task<ReceiptAnswer> ReportReceipt(string projectId, string reportId);

    /// <summary>The project's use-of-funds reports in filing order after the cursor (a report's event seq), and the next cursor.</summary>
    [Alias("Reports")] Task<ReportPage> Reports(string projectId, long afterSeq, int limit);
}

[GenerateSerializer, Immutable, Alias("cd.CheckpointView")]
public sealed record CheckpointView(
    [property: Id(0)] long Seq,
    [property: Id(1)] long FirstEvent,
    [property: Id(2)] long LastEvent,
    [property: Id(3)] long Count,
    [property: Id(4)] string Root,
    [property: Id(5)] string PrevHash,
    [property: Id(6)] string Hash,
    [property: Id(7)] DateTimeOffset SealedAt);

[GenerateSerializer, Immutable, Alias("cd.CheckpointPage")]
public sealed record CheckpointPage(
    [property: Id(0)] IReadOnlyList<CheckpointView> Items,
    [property: Id(1)] long? Next);

public enum ReceiptResultKind
{
    Found,
    /// <summary>The event exists but its checkpoint is not sealed yet: ask again after RetryAfterSeconds.</summary>
    NotSealed,
    NotFound,
}

[GenerateSerializer, Immutable, Alias("cd.ReceiptView")]
public sealed record ReceiptView(
    [property: Id(0)] string EventJson,
    [property: Id(1)] string LeafHash,
    [property: Id(2)] long Checkpoint,
    [property: Id(3)] long Index,
    [property: Id(4)] long Count,
    [property: Id(5)] IReadOnlyList<string> Path,
    [property: Id(6)] string Root);

[GenerateSerializer, Immutable, Alias("cd.ReceiptAnswer")]
public sealed record ReceiptAnswer(
    [property: Id(0)] ReceiptResultKind Kind,
    [property: Id(1)] ReceiptView? Receipt,
    [property: Id(2)] int RetryAfterSeconds);
