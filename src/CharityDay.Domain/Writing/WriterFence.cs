namespace CharityDay.Domain.Writing;

/// <summary>
/// The right to write a campaign's ledger rows, held by one activation. Orleans can briefly run
/// two activations of a grain while the cluster disagrees about a dead silo; the fence makes the
/// older one's writes fail instead of matching against a stale book.
/// </summary>
public sealed record WriterFence(string CampaignId, long Epoch);

/// <summary>A newer activation of the campaign claimed the ledger: this one must stop writing.</summary>
public sealed class FencedOutException(string campaignId, long epoch)
    : Exception($"campaign {campaignId}: writer epoch {epoch} was superseded by a newer activation");
