using CharityDay.Contracts;
using CharityDay.Domain.Transparency;
using Orleans;

namespace CharityDay.Api.Transparency;

/// <summary>The disclosure's checkpoints, paged out of the ledger-proof reader (never the campaign's writer).</summary>
public sealed class ProofGrainCheckpoints(IGrainFactory grains) : ILedgerCheckpoints
{
    private const int PageSize = 1000;

    public async Task<IReadOnlyList<Checkpoint>> ListAsync(string campaignId, CancellationToken ct = default)
    {
        var reader = grains.GetGrain<ILedgerProofGrain>(0);
        var all = new List<Checkpoint>();
        long after = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var page = await reader.Checkpoints(campaignId, after, PageSize);
            all.AddRange(page.Items.Select(c => new Checkpoint(c.Seq, c.FirstEvent, c.LastEvent, c.Count, c.Root, c.PrevHash, c.Hash, c.SealedAt)));
            if (page.Next is not long next)
            {
                return all;
            }
            after = next;
        }
    }
}
