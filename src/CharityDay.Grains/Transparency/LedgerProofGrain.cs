using CharityDay.Contracts;
using CharityDay.Domain.Transparency;
using CharityDay.Storage.Ledger;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace CharityDay.Grains.Transparency;

/// <summary>
/// Answers checkpoint listings and receipts from the store, on the silo that took the request: never
/// the campaign's writer nor its sealer, so readers cannot slow either. A checkpoint never changes once
/// written, so each worker keeps the leaf hashes of the few checkpoints it built receipts from last:
/// a partner fetching every receipt of a day reads each checkpoint's events once, not once per receipt.
/// </summary>
[StatelessWorker]
public sealed class LedgerProofGrain(ILedgerStore ledger, TimeProvider time, IOptions<CheckpointOptions> options) : Grain, ILedgerProofGrain
{
    private const int LeavesKept = 4;

    private readonly LinkedList<(string CampaignId, long Seq, IReadOnlyList<byte[]> Leaves)> _leaves = new();

    public async Task<CheckpointPage> Checkpoints(string campaignId, long afterSeq, int limit)
    {
        var items = await ledger.ListCheckpointsAsync(campaignId, afterSeq, limit + 1);
        var page = items.Take(limit).Select(View).ToList();
        return new CheckpointPage(page, items.Count > limit ? page[^1].Seq : null);
    }

    public Task<ReceiptAnswer> DonationReceipt(string partnerId, string donationId) => ReceiptOf(ReceiptKeys.Donation(partnerId, donationId));

    public Task<ReceiptAnswer> ReportReceipt(string projectId, string reportId) => ReceiptOf(ReceiptKeys.Report(projectId, reportId));

    public async Task<ReportPage> Reports(string projectId, long afterSeq, int limit)
    {
        var rows = await ledger.ProjectReportsAsync(projectId, afterSeq, limit + 1);
        var page = rows.Take(limit).Select(r => ReportView.Of(r.Report, r.CampaignId, r.Seq, r.FiledAt)).ToList();
        return new ReportPage(page, rows.Count > limit ? page[^1].Seq : null);
    }

    private async Task<ReceiptAnswer> ReceiptOf(string receiptKey)
    {
        if (await ledger.FindReceiptEventAsync(receiptKey) is not var (campaignId, evt))
        {
            return new ReceiptAnswer(ReceiptResultKind.NotFound, null, 0);
        }
        var checkpoint = await ledger.CheckpointOfEventAsync(campaignId, evt.Seq);
        if (checkpoint is null)
        {
            return new ReceiptAnswer(ReceiptResultKind.NotSealed, null, await RetryAfterSecondsAsync(campaignId));
        }
        var leaves = await LeavesAsync(campaignId, checkpoint);
        var receipt = Receipt.For(checkpoint, leaves, (int)(evt.Seq - checkpoint.FirstEvent), evt.Json);
        return new ReceiptAnswer(ReceiptResultKind.Found,
            new ReceiptView(receipt.EventJson, receipt.LeafHash, receipt.Checkpoint, receipt.Index, receipt.Count, receipt.Path, receipt.Root), 0);
    }

    /// <summary>Until the next seal is due: the interval after the last checkpoint (at least a second).</summary>
    private async Task<int> RetryAfterSecondsAsync(string campaignId)
    {
        var interval = options.Value.Interval;
        var last = await ledger.LastCheckpointAsync(campaignId);
        var due = last is null ? interval : last.SealedAt + interval - time.GetUtcNow();
        if (due <= TimeSpan.Zero || due > interval)
        {
            due = interval;
        }
        return (int)Math.Clamp(Math.Ceiling(due.TotalSeconds), 1, int.MaxValue);
    }

    private async Task<IReadOnlyList<byte[]>> LeavesAsync(string campaignId, Checkpoint checkpoint)
    {
        for (var node = _leaves.First; node is not null; node = node.Next)
        {
            if (node.Value.CampaignId == campaignId && node.Value.Seq == checkpoint.Seq)
            {
                _leaves.Remove(node);
                _leaves.AddFirst(node);
                return node.Value.Leaves;
            }
        }
        var events = await ledger.ReadEventsAsync(campaignId, checkpoint.FirstEvent, checkpoint.LastEvent);
        var leaves = await Task.Run(() => (IReadOnlyList<byte[]>)[.. events.Select(e => LedgerEvents.LeafHash(e.Json))]);
        if (leaves.Count != checkpoint.Count)
        {
            throw new InvalidOperationException($"campaign {campaignId}: checkpoint {checkpoint.Seq} has {checkpoint.Count} events but {leaves.Count} are stored");
        }
        _leaves.AddFirst((campaignId, checkpoint.Seq, leaves));
        if (_leaves.Count > LeavesKept)
        {
            _leaves.RemoveLast();
        }
        return leaves;
    }

    private static CheckpointView View(Checkpoint c) => new(c.Seq, c.FirstEvent, c.LastEvent, c.Count, c.Root, c.PrevHash, c.Hash, c.SealedAt);
}
