using System.Diagnostics;
using CharityDay.Contracts;
using CharityDay.Contracts.Telemetry;
using CharityDay.Domain.Transparency;
using CharityDay.Storage.Ledger;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CharityDay.Grains.Transparency;

/// <summary>
/// Seals one campaign's ledger events into checkpoints every <see cref="CheckpointOptions.Interval"/>
/// (SPEC §6). Everything it needs is in the store: the last checkpoint and the events after it. The
/// events it can see are always a gapless prefix of the campaign's sequence (the store proves each
/// write follows the last committed event), so it seals everything it sees and never has to wait for
/// a commit in flight. A checkpoint is one INSERT that either lands whole or not at all, unique per
/// (campaign, seq): a crash mid-seal leaves the chain as it was, and the next tick (here or on another
/// silo) seals the same events again from the same previous hash, so the chain it ends with is the
/// one it would have had. Two sealers at once (during a silo change) cannot both write checkpoint n.
/// </summary>
public sealed class CheckpointSealerGrain(
    ILedgerStore ledger,
    TimeProvider time,
    IOptions<CheckpointOptions> options,
    ILogger<CheckpointSealerGrain> logger) : Grain, ICheckpointSealerGrain
{
    private IGrainTimer? _timer;

    private string CampaignId => this.GetPrimaryKeyString();

    public Task Start()
    {
        var interval = options.Value.Interval;
        // KeepAlive: the timer itself keeps the activation (and so the sealing) alive while the silo lives.
        _timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(interval, interval) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        LedgerProofTelemetry.Forget(CampaignId);
        return Task.CompletedTask;
    }

    public Task<int> SealNow() => SealAsync();

    private async Task TickAsync(CancellationToken ct)
    {
        try
        {
            await SealAsync();
        }
        catch (Exception e)
        {
            LedgerProofTelemetry.SealFailures.Add(1, new KeyValuePair<string, object?>("campaign", CampaignId));
            logger.LogWarning(e, "Campaign {CampaignId}: sealing a checkpoint failed; the next tick tries again", CampaignId);
        }
    }

    private async Task<int> SealAsync()
    {
        using var activity = CharityDayTelemetry.Source.StartActivity("ledger.seal");
        activity?.SetTag("charityday.campaign", CampaignId);
        var sealedNow = 0;
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            var last = await ledger.LastCheckpointAsync(CampaignId);
            if (last is not null)
            {
                LedgerProofTelemetry.Sealed(CampaignId, last.SealedAt);
            }
            var from = (last?.LastEvent ?? 0) + 1;
            var events = await ledger.ReadEventsAsync(CampaignId, from, from + CheckpointOptions.MaxEventsPerCheckpoint - 1);
            if (events.Count == 0)
            {
                return sealedNow;
            }
            var sealedAt = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
            // Hashing tens of thousands of events is CPU work: off the scheduler's threads.
            var checkpoint = await Task.Run(() => CheckpointChain.Seal(last, events, sealedAt));
            if (!await ledger.InsertCheckpointAsync(CampaignId, checkpoint))
            {
                // Another sealer wrote checkpoint n first (a silo change): take the chain as stored and go on from it.
                logger.LogWarning("Campaign {CampaignId}: checkpoint {Seq} was sealed by another activation; continuing from the stored chain", CampaignId, checkpoint.Seq);
                continue;
            }
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var campaign = new KeyValuePair<string, object?>("campaign", CampaignId);
            LedgerProofTelemetry.CheckpointsSealed.Add(1, campaign);
            LedgerProofTelemetry.SealDuration.Record(elapsedMs, campaign);
            LedgerProofTelemetry.EventsPerCheckpoint.Record(checkpoint.Count, campaign);
            LedgerProofTelemetry.Sealed(CampaignId, sealedAt);
            logger.LogInformation("Campaign {CampaignId}: sealed checkpoint {Seq} over events {FirstEvent}–{LastEvent} ({Count} events) in {ElapsedMs:F1} ms, root {Root}, hash {Hash}",
                CampaignId, checkpoint.Seq, checkpoint.FirstEvent, checkpoint.LastEvent, checkpoint.Count, elapsedMs, checkpoint.Root, checkpoint.Hash);
            sealedNow++;
            if (events.Count < CheckpointOptions.MaxEventsPerCheckpoint)
            {
                return sealedNow;
            }
        }
    }
}
