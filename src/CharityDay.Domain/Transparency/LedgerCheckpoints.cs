namespace CharityDay.Domain.Transparency;

/// <summary>
/// What the public disclosure needs of the verifiable ledger (SPEC §6 "the campaign's ledger
/// checkpoints"): every sealed checkpoint of a campaign, oldest first.
/// </summary>
public interface ILedgerCheckpoints
{
    Task<IReadOnlyList<Checkpoint>> ListAsync(string campaignId, CancellationToken ct = default);
}
