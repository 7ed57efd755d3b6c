namespace CharityDay.Domain.Transparency;

/// <summary>A sealed checkpoint of a campaign's verifiable ledger, as SPEC §6 lists it (hashes in lowercase hex).</summary>
public sealed record CheckpointSummary(long Seq, long FirstEvent, long LastEvent, long Count, string Root, string PrevHash, string Hash, DateTimeOffset SealedAt);

/// <summary>
/// The seam between the public disclosure and the verifiable ledger (SPEC §6 "the campaign's ledger
/// checkpoints"): the disclosure lists whatever this returns. Until the verifiable ledger is
/// registered in its place, <see cref="NoLedgerCheckpoints"/> answers an empty list.
/// </summary>
public interface ILedgerCheckpoints
{
    /// <summary>The campaign's sealed checkpoints, oldest first.</summary>
    Task<IReadOnlyList<CheckpointSummary>> ListAsync(string campaignId, CancellationToken ct = default);
}

/// <summary>No verifiable ledger yet: no checkpoints.</summary>
public sealed class NoLedgerCheckpoints : ILedgerCheckpoints
{
    public Task<IReadOnlyList<CheckpointSummary>> ListAsync(string campaignId, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<CheckpointSummary>>([]);
}
