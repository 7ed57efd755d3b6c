using System.Diagnostics;
using CharityDay.Contracts;
using CharityDay.Contracts.Telemetry;
using CharityDay.Domain;
using CharityDay.Domain.Writing;
using CharityDay.Storage.Ledger;
using Microsoft.Extensions.Logging;

namespace CharityDay.Grains.Campaigns;

/// <summary>
/// The pipelined group commit's I/O: gather, look up and match batch N+1 while batch N commits,
/// then write N+1 once N is durable, and answer each batch after its own commit. What each step
/// decides — the queue, classification, matching, what a failed commit sends back — is
/// <see cref="CampaignWritePath{TRequest, TRow}"/>'s; this file awaits the ledger around it and
/// hands its answers to the waiting callers.
/// </summary>
public sealed partial class CampaignGrain
{
    /// <summary>
    /// Batches are cut to commit in about this long. A pool change waits for at most the commit in
    /// flight and the batch matched behind it (invariant 4), so this bounds PATCH latency under load
    /// while batches stay large enough to spread each transaction's fixed cost.
    /// </summary>
    private const double TargetCommitMs = 30;

    /// <summary>Below this many rows a commit's fixed cost hides the per-row cost: not used to size batches.</summary>
    private const int MinRowsToLearnFrom = 50;

    /// <summary>A queue under this fraction of a batch is shallow: the next batch is cut once the commit in flight ends.</summary>
    private const int ShallowQueueFraction = 4;

    private Task _commitInFlight = Task.CompletedTask;
    private bool _flushing;

    // Moving average of a commit's time per row, learned from this activation's own commits.
    private double _commitMsPerRow = 0.05;

    private int NextBatchSize() => (int)Math.Clamp(TargetCommitMs / _commitMsPerRow, 100, int.MaxValue);

    public async Task<IReadOnlyList<DonationOutcome>> Donate(IReadOnlyList<DonationRequest> donations)
    {
        if (_settings is null)
        {
            return [.. donations.Select(_ => DonationOutcome.Of(DonationResultKind.ProjectNotFound, "the project's campaign does not exist"))];
        }
        var pending = donations.Select(d => new PendingDonation(d)).ToList();
        if (!Write.Arrive(pending))
        {
            CharityDayTelemetry.Shed.Add(donations.Count, new KeyValuePair<string, object?>("campaign", CampaignId));
            return [.. donations.Select(_ => DonationOutcome.Of(DonationResultKind.Overloaded, "the campaign's write queue is full"))];
        }
        StartFlushing();
        return await Task.WhenAll(pending.Select(p => p.Completion.Task));
    }

    private void StartFlushing()
    {
        if (!_flushing && Write.PendingCount > 0)
        {
            _flushing = true;
            _ = FlushAsync();
        }
    }

    private async Task FlushAsync()
    {
        try
        {
            // The loop outlives the call that started it: its commits are not that request's children.
            Activity.Current = null;
            // Let the Donate calls already waiting in the mailbox join this batch.
            await Task.Yield();
            while (Write.PendingCount > 0)
            {
                await _gate.EnterAsync(urgent: false);
                try
                {
                    await MatchAndStartCommitAsync();
                }
                finally
                {
                    _gate.Exit();
                }
            }
        }
        catch (Exception e)
        {
            logger.LogError(e, "Group commit loop of campaign {CampaignId} failed", CampaignId);
            Write.FailQueue("the write path failed; retry with the same donationId");
            Deliver();
        }
        finally
        {
            _flushing = false;
        }
        // A commit that failed after the loop ended may have put its batch back in the queue.
        _ = _commitInFlight.ContinueWith(_ => StartFlushing(), TaskScheduler.Current);
    }

    /// <summary>Runs holding the gate: prepares the next batch and starts its commit behind the one in flight.</summary>
    private async Task MatchAndStartCommitAsync()
    {
        var batchSize = NextBatchSize();
        if (!_commitInFlight.IsCompleted && Write.PendingCount < batchSize / ShallowQueueFraction)
        {
            // A shallow queue (single posts, not a backlog): cutting now would send a few donations
            // through a transaction of their own, and a commit's fixed cost (fence, COMMIT, fsync) would
            // cap the rate. Waiting for the commit in flight lets the next batch take everything that
            // arrives meanwhile; with a backlog, the pipeline keeps matching behind the commit.
            await _commitInFlight;
        }
        if (Write.Cut(batchSize) is not { } batch)
        {
            return;
        }
        try
        {
            await EnsureBookFreshAsync();
            var unknown = Write.KeysToLookUp(batch);
            var donorLoad = Write.DonorsToLoad(batch);
            var storedTask = unknown.Count == 0
                ? Task.FromResult<IReadOnlyDictionary<DonationKey, LedgerDonation>>(new Dictionary<DonationKey, LedgerDonation>())
                : OffTurn(() => ledger.FindAsync(unknown));
            var donorsTask = donorLoad is null
                ? Task.FromResult<IReadOnlyList<DonorDayRow>>([])
                : OffTurn(() => ledger.LoadDonorDaysAsync(CampaignId, donorLoad));
            await Task.WhenAll(storedTask, donorsTask);
            // The commit in flight may have failed while the ids were looked up: match on the rebuilt book.
            await EnsureBookFreshAsync();
            if (donorLoad is not null)
            {
                Write.LoadDonors(donorLoad, donorsTask.Result);
                CharityDayTelemetry.DonorsLoaded.Add(donorLoad.Donors.Count, new KeyValuePair<string, object?>("campaign", CampaignId));
            }
            Write.Match(batch, storedTask.Result);
        }
        catch (Exception e)
        {
            // An unexpected fault must not leave the batch's callers waiting for an answer that
            // never comes, nor the book holding matches of unknown fate.
            logger.LogError(e, "Matching a batch of campaign {CampaignId} failed", CampaignId);
            Write.Abandon(batch, "the ledger is unavailable; retry with the same donationId");
            return;
        }
        finally
        {
            Deliver();
        }
        // Ledger writes stay in order: the batch is written once the commit ahead has ended, and
        // only if it succeeded (else the write path has sent this batch back to the queue).
        await _commitInFlight;
        if (Write.StartCommit(batch))
        {
            _commitInFlight = CommitAsync(batch, Write.SumsThroughFor(batch));
        }
        Deliver();
    }

    /// <summary>Writes a matched batch and answers its callers. Never throws.</summary>
    private async Task CommitAsync(WriteBatch<PendingDonation, LedgerDonation> batch, DateTimeOffset? sumsThrough)
    {
        using var activity = CharityDayTelemetry.Source.StartActivity("ledger.commit", ActivityKind.Internal,
            parentContext: batch.Requests.Select(p => p.Caller).FirstOrDefault(c => c != default),
            links: batch.Requests.Where(p => p.Caller != default).Take(64).Select(p => new ActivityLink(p.Caller)));
        activity?.SetTag("charityday.campaign", CampaignId);
        activity?.SetTag("charityday.batch_size", batch.Accepted.Count);
        try
        {
            if (await TryAppendAsync(batch, sumsThrough))
            {
                Write.Committed(batch);
                foreach (var donation in batch.Accepted)
                {
                    ReadModel.TotalsChanged(donation.ProjectId);
                    RecordAccepted(donation);
                }
                PublishDonorsHeld(Write.Book.Donors.Count);
            }
            else
            {
                activity?.SetStatus(ActivityStatusCode.Error);
            }
        }
        catch (Exception e)
        {
            logger.LogError(e, "Group commit of campaign {CampaignId} failed", CampaignId);
            if (batch.Stage == BatchStage.Committing)
            {
                Write.CommitFailed(batch, "the write path failed; retry with the same donationId");
            }
            Write.MarkStale();
            Deliver();
            // Whoever the fault left without an answer is told so, not left waiting.
            foreach (var pending in batch.WaitingRequests)
            {
                pending.Completion.TrySetResult(DonationOutcome.Of(DonationResultKind.Failed, "the write path failed; retry with the same donationId"));
            }
            return;
        }
        Deliver();
    }

    /// <returns>false when the batch did not commit; the write path has then been told why.</returns>
    private async Task<bool> TryAppendAsync(WriteBatch<PendingDonation, LedgerDonation> batch, DateTimeOffset? sumsThrough)
    {
        var started = Stopwatch.GetTimestamp();
        var campaignTag = new KeyValuePair<string, object?>("campaign", CampaignId);
        try
        {
            var firstSeq = await NextEventSeqAsync();
            await OffTurn(async () =>
            {
                await ledger.AppendAsync(batch.Accepted, _fence, sumsThrough, AcceptedEvents(batch.Accepted, firstSeq));
                return true;
            });
            _lastEventSeq = firstSeq + batch.Accepted.Count - 1;
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (batch.Accepted.Count >= MinRowsToLearnFrom)
            {
                _commitMsPerRow = (0.8 * _commitMsPerRow) + (0.2 * elapsedMs / batch.Accepted.Count);
            }
            CharityDayTelemetry.CommitDuration.Record(elapsedMs, campaignTag);
            CharityDayTelemetry.CommitBatchSize.Record(batch.Accepted.Count, campaignTag);
            CharityDayTelemetry.Commits.Add(1, campaignTag, new KeyValuePair<string, object?>("result", "committed"));
            return true;
        }
        catch (FencedOutException)
        {
            _lastEventSeq = null;
            CharityDayTelemetry.Commits.Add(1, campaignTag, new KeyValuePair<string, object?>("result", "fenced"));
            Write.CommitFailed(batch, "the campaign moved to another silo; retry");
            OnFencedOut();
            return false;
        }
        catch (DuplicateDonationException)
        {
            // Also what a clash on an event's seq looks like: the count is read again.
            _lastEventSeq = null;
            // The same id committed through another path (another campaign, or another activation
            // during a membership change). Forget this batch's matches and decide it again.
            CharityDayTelemetry.Commits.Add(1, campaignTag, new KeyValuePair<string, object?>("result", "duplicate"));
            Write.CommitRefusedAsDuplicate(batch, "the donation could not be committed");
            return false;
        }
        catch (Exception e)
        {
            _lastEventSeq = null;
            logger.LogError(e, "Group commit of {Count} donations failed for campaign {CampaignId}", batch.Accepted.Count, CampaignId);
            CharityDayTelemetry.Commits.Add(1, campaignTag, new KeyValuePair<string, object?>("result", "failed"));
            Write.CommitFailed(batch, "the ledger write failed; nothing was recorded");
            return false;
        }
    }

    /// <summary>
    /// Runs ledger I/O on the thread pool. Microsoft.Data.Sqlite completes its async calls
    /// synchronously: awaited directly, a commit would hold the activation's turn through its whole
    /// fsync, no donation could arrive meanwhile, and every batch would hold exactly one donation.
    /// Off the turn, donations keep arriving (and the next batch is matched) while the write is in
    /// flight. Safe: the I/O touches only its arguments, never the grain's state.
    /// </summary>
    private static Task<T> OffTurn<T>(Func<Task<T>> io) => Task.Run(io);

    private void RecordAccepted(LedgerDonation donation)
    {
        var partner = new KeyValuePair<string, object?>("partner", donation.PartnerId);
        var campaign = new KeyValuePair<string, object?>("campaign", CampaignId);
        CharityDayTelemetry.DonatedAmount.Add(donation.AmountFen, partner, campaign);
        if (donation.OrderCount is { } orders)
        {
            CharityDayTelemetry.MerchantAmount.Add(donation.AmountFen, partner, campaign);
            CharityDayTelemetry.MerchantOrders.Add(orders, partner, campaign);
        }
        foreach (var match in donation.Matches)
        {
            // A points gift's one match row is its conversion pool paying its amount: points, not matching money.
            if (donation.IsPointsGift)
            {
                CharityDayTelemetry.PointsConverted.Add(donation.Points ?? 0, campaign, new KeyValuePair<string, object?>("pool", match.PoolId));
                continue;
            }
            CharityDayTelemetry.MatchedAmount.Add(match.AmountFen, campaign, new KeyValuePair<string, object?>("pool", match.PoolId));
        }
    }

    /// <summary>Hands the write path's decisions to the callers waiting for them.</summary>
    private void Deliver()
    {
        foreach (var answer in Write.TakeAnswers())
        {
            var pending = answer.Request;
            var outcome = answer.Result switch
            {
                WriteResult.Created => new DonationOutcome(DonationResultKind.Created, answer.Row!.ToView(), null),
                WriteResult.Replayed => new DonationOutcome(DonationResultKind.Replayed, answer.Row!.ToView(), null),
                WriteResult.Conflict => DonationOutcome.Of(DonationResultKind.Conflict, "a different donation with this donationId exists"),
                WriteResult.ProjectNotFound => DonationOutcome.Of(DonationResultKind.ProjectNotFound, $"project {pending.Request.ProjectId} does not exist"),
                WriteResult.ProjectClosed => DonationOutcome.Of(DonationResultKind.ProjectClosed, $"project {pending.Request.ProjectId} is closed"),
                WriteResult.Overloaded => DonationOutcome.Of(DonationResultKind.Overloaded, "the campaign's write queue is full"),
                WriteResult.PledgeNotAllowed => DonationOutcome.Of(DonationResultKind.PledgeNotAllowed,
                    $"pledge {pending.Request.PledgeId} is not an active pledge of this project, donor and amount"),
                WriteResult.PledgeAlreadyCharged => DonationOutcome.Of(DonationResultKind.PledgeAlreadyCharged,
                    $"pledge {pending.Request.PledgeId} was already charged this month"),
                WriteResult.PointsNotConvertible => DonationOutcome.Of(DonationResultKind.PointsNotConvertible,
                    $"no conversion pool of points programme {pending.Request.PointsProgram} can pay a fen for {pending.Request.Points} points now"),
                _ => DonationOutcome.Of(DonationResultKind.Failed, answer.Detail ?? "the write path failed; retry with the same donationId"),
            };
            // A request answered already (e.g. failed with its batch, then decided again) is counted once.
            if (pending.Completion.TrySetResult(outcome))
            {
                CharityDayTelemetry.IngestDuration.Record(Stopwatch.GetElapsedTime(pending.EnqueuedAt).TotalMilliseconds,
                    new KeyValuePair<string, object?>("result", outcome.Kind.ToString()));
            }
        }
    }
}
