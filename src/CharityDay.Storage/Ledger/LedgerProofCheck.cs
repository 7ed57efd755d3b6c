using CharityDay.Domain.Transparency;

namespace CharityDay.Storage.Ledger;

/// <summary>
/// SPEC §6 from the inside: walks a campaign's checkpoints in the database, checks the chain (each
/// hash from its prevHash and root, each range following the last) and recomputes every root from the
/// stored events. A changed byte in any stored event, or a deleted one, fails at the checkpoint that
/// sealed it. Run by <c>CharityDay.Host ledger-verify</c> and by the tests.
/// </summary>
public static class LedgerProofCheck
{
    private const int PageSize = 500;

    /// <param name="FailedCheckpoint">The first checkpoint that does not hold, or null when all do.</param>
    /// <param name="UnsealedEvents">Events after the last checkpoint (sealed at the next interval).</param>
    public sealed record Result(string CampaignId, long Checkpoints, long EventsSealed, long UnsealedEvents, long? FailedCheckpoint, string? Reason)
    {
        public bool Holds => FailedCheckpoint is null;
    }

    public static async Task<Result> CheckAsync(ILedgerProofStore store, string campaignId, CancellationToken ct = default)
    {
        Checkpoint? previous = null;
        long checkpoints = 0, sealedEvents = 0;
        while (true)
        {
            var page = await store.ListCheckpointsAsync(campaignId, previous?.Seq ?? 0, PageSize, ct);
            foreach (var checkpoint in page)
            {
                var reason = CheckpointChain.Follows(previous, checkpoint)
                    ?? CheckpointChain.Covers(checkpoint, await store.ReadEventsAsync(campaignId, checkpoint.FirstEvent, checkpoint.LastEvent, ct));
                if (reason is not null)
                {
                    return new Result(campaignId, checkpoints, sealedEvents, 0, checkpoint.Seq, reason);
                }
                previous = checkpoint;
                checkpoints++;
                sealedEvents += checkpoint.Count;
            }
            if (page.Count < PageSize)
            {
                break;
            }
        }
        var last = await store.LastEventSeqAsync(campaignId, ct);
        var sealedThrough = previous?.LastEvent ?? 0;
        if (last < sealedThrough)
        {
            return new Result(campaignId, checkpoints, sealedEvents, 0, previous!.Seq, $"the last stored event is {last}, but checkpoints run to {sealedThrough}: events were deleted");
        }
        return new Result(campaignId, checkpoints, sealedEvents, last - sealedThrough, null, null);
    }
}
