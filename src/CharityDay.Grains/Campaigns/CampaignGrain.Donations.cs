using System.Diagnostics;
using CharityDay.Contracts;
using CharityDay.Contracts.Telemetry;
using CharityDay.Domain;
using CharityDay.Domain.Matching;
using CharityDay.Storage.Ledger;
using Microsoft.Extensions.Logging;

namespace CharityDay.Grains.Campaigns;

/// <summary>
/// The pipelined group commit: gather, look up and match batch N+1 in arrival order while batch N
/// commits, then write N+1 once N is durable, and answer each batch after its own commit. Ledger
/// writes stay in order; a failed commit sends the batch matched after it back to the queue and the
/// book is rebuilt from the ledger before anything else is matched.
/// </summary>
public sealed partial class CampaignGrain
{
    private readonly List<PendingDonation> _pending = [];
    private readonly Dictionary<DonationKey, LedgerDonation> _inFlight = [];
    private static readonly Task<bool> Committed = Task.FromResult(true);
    private Task<bool> _commitInFlight = Committed;
    private bool _flushing;
    private long _acceptedSincePrune;

    public async Task<IReadOnlyList<DonationOutcome>> Donate(IReadOnlyList<DonationRequest> donations)
    {
        if (state.State.Settings is null)
        {
            return [.. donations.Select(_ => DonationOutcome.Of(DonationResultKind.ProjectNotFound, "the project's campaign does not exist"))];
        }
        if (_pending.Count + donations.Count > writeOptions.Value.MaxPendingDonations)
        {
            CharityDayTelemetry.Shed.Add(donations.Count, new KeyValuePair<string, object?>("campaign", CampaignId));
            return [.. donations.Select(_ => DonationOutcome.Of(DonationResultKind.Overloaded, "the campaign's write queue is full"))];
        }
        var waits = new Task<DonationOutcome>[donations.Count];
        for (var i = 0; i < donations.Count; i++)
        {
            var pending = new PendingDonation(donations[i]);
            _pending.Add(pending);
            waits[i] = pending.Completion.Task;
        }
        StartFlushing();
        return await Task.WhenAll(waits);
    }

    private void StartFlushing()
    {
        if (!_flushing && _pending.Count > 0)
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
            while (_pending.Count > 0)
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
            _bookStale = true;
            Fail(_pending, "the write path failed; retry with the same donationId");
            _pending.Clear();
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
        var take = Math.Min(_pending.Count, CampaignLimits.MaxBatch);
        var batch = _pending.GetRange(0, take);
        _pending.RemoveRange(0, take);
        MatchedBatch matched;
        try
        {
            matched = await MatchBatchAsync(batch);
        }
        catch (Exception e)
        {
            // An unexpected fault must not leave the batch's callers waiting for an answer that
            // never comes, nor the book holding matches of unknown fate.
            logger.LogError(e, "Matching a batch of campaign {CampaignId} failed", CampaignId);
            _bookStale = true;
            Fail(batch.Where(p => !p.Completion.Task.IsCompleted), "the ledger is unavailable; retry with the same donationId");
            return;
        }
        // Ledger writes stay in order, and a batch matched on top of a commit that then failed
        // must not be written: it goes back to the front of the queue, to be matched again on the
        // book rebuilt from the ledger.
        if (!await _commitInFlight)
        {
            // That failure is dealt with now (its own callers were answered or re-queued by it).
            _commitInFlight = Committed;
            _bookStale = true;
            _pending.InsertRange(0, matched.Waiting.Select(w => w.Pending).Concat(matched.Deferred));
            return;
        }
        _pending.InsertRange(0, matched.Deferred);
        _commitInFlight = CommitAsync(matched);
    }

    private sealed record MatchedBatch(
        List<PendingDonation> Batch,
        List<LedgerDonation> Accepted,
        List<(PendingDonation Pending, LedgerDonation Donation, bool Created)> Waiting,
        List<PendingDonation> Deferred,
        ActivityContext Caller);

    /// <summary>Looks the batch's ids up, classifies each donation and matches the new ones, in arrival order.</summary>
    private async Task<MatchedBatch> MatchBatchAsync(List<PendingDonation> batch)
    {
        await EnsureBookFreshAsync();
        var unknown = batch.Select(p => p.Key).Where(k => !_recent.Contains(k) && !_inFlight.ContainsKey(k)).Distinct().ToList();
        var stored = unknown.Count == 0
            ? new Dictionary<DonationKey, LedgerDonation>()
            : await OffTurn(() => ledger.FindAsync(unknown));
        if (_bookStale)
        {
            // The commit in flight failed while the ids were looked up: match on the rebuilt book.
            await EnsureBookFreshAsync();
        }

        var accepted = new List<LedgerDonation>();
        var inBatch = new Dictionary<DonationKey, LedgerDonation>();
        var waiting = new List<(PendingDonation Pending, LedgerDonation Donation, bool Created)>();
        var deferred = new List<PendingDonation>();
        foreach (var pending in batch)
        {
            var request = pending.Request;
            if (_inFlight.ContainsKey(pending.Key))
            {
                // Its first post is being written right now: decide it once that commit has an outcome.
                deferred.Add(pending);
                continue;
            }
            if (inBatch.TryGetValue(pending.Key, out var sibling))
            {
                if (sibling.HasSamePayload(request))
                {
                    waiting.Add((pending, sibling, false));
                }
                else
                {
                    Resolve(pending, DonationOutcome.Of(DonationResultKind.Conflict, "a different donation with this donationId exists"));
                }
                continue;
            }
            var prior = _recent.Get(pending.Key) ?? stored.GetValueOrDefault(pending.Key);
            if (prior is not null)
            {
                Resolve(pending, prior.HasSamePayload(request)
                    ? new DonationOutcome(DonationResultKind.Replayed, prior.ToView(), null)
                    : DonationOutcome.Of(DonationResultKind.Conflict, "a different donation with this donationId exists"));
                continue;
            }
            if (!_projects.TryGetValue(request.ProjectId, out var project))
            {
                Resolve(pending, DonationOutcome.Of(DonationResultKind.ProjectNotFound, $"project {request.ProjectId} does not exist"));
                continue;
            }
            if (!project.IsOpen)
            {
                Resolve(pending, DonationOutcome.Of(DonationResultKind.ProjectClosed, $"project {request.ProjectId} is closed"));
                continue;
            }
            var donation = Match(request);
            accepted.Add(donation);
            inBatch[pending.Key] = donation;
            waiting.Add((pending, donation, true));
        }
        var caller = batch.Select(p => p.Caller).FirstOrDefault(c => c != default);
        return new MatchedBatch(batch, accepted, waiting, deferred, caller);
    }

    /// <summary>Writes a matched batch and answers its callers. Never throws: false when it did not commit.</summary>
    private async Task<bool> CommitAsync(MatchedBatch matched)
    {
        if (matched.Accepted.Count == 0)
        {
            Answer(matched);
            return true;
        }
        using var activity = CharityDayTelemetry.Source.StartActivity("ledger.commit", ActivityKind.Internal, parentContext: matched.Caller,
            links: matched.Batch.Where(p => p.Caller != default).Take(64).Select(p => new ActivityLink(p.Caller)));
        activity?.SetTag("charityday.campaign", CampaignId);
        activity?.SetTag("charityday.batch_size", matched.Accepted.Count);
        foreach (var donation in matched.Accepted)
        {
            _inFlight[donation.Key] = donation;
        }
        try
        {
            if (!await TryAppendAsync(matched.Accepted, matched.Waiting))
            {
                activity?.SetStatus(ActivityStatusCode.Error);
                return false;
            }
            foreach (var donation in matched.Accepted)
            {
                var totals = TotalsOf(donation.ProjectId);
                totals.AddDonation(donation.PartnerId, donation.AmountFen);
                totals.AddMatched(donation.Matches.Sum(m => m.AmountFen));
                ReadModel.TotalsChanged(donation.ProjectId);
                _recent.Set(donation);
                RecordAccepted(donation);
            }
            Answer(matched);
            _acceptedSincePrune += matched.Accepted.Count;
            if (_acceptedSincePrune > 50_000)
            {
                _book.Prune(time.GetUtcNow());
                _acceptedSincePrune = 0;
            }
            return true;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Group commit of campaign {CampaignId} failed", CampaignId);
            _bookStale = true;
            Fail(matched.Waiting.Select(w => w.Pending), "the write path failed; retry with the same donationId");
            return false;
        }
        finally
        {
            foreach (var donation in matched.Accepted)
            {
                _inFlight.Remove(donation.Key);
            }
        }
    }

    private static void Answer(MatchedBatch matched)
    {
        foreach (var (pending, donation, created) in matched.Waiting)
        {
            Resolve(pending, new DonationOutcome(created ? DonationResultKind.Created : DonationResultKind.Replayed, donation.ToView(), null));
        }
    }

    private LedgerDonation Match(DonationRequest request)
    {
        var acceptedAt = Now();
        var facts = new DonationFacts(new DonationKey(request.PartnerId, request.DonationId), request.DonorId, request.ProjectId, request.AmountFen, acceptedAt);
        var matches = _book.Accept(facts);
        return new LedgerDonation(
            request.PartnerId, request.DonationId, CampaignId, request.ProjectId, request.DonorId, request.AmountFen,
            request.Currency, request.OccurredAt, request.TeamId, request.Channel, acceptedAt, _book.LocalDay(acceptedAt),
            DonationStatus.Accepted, null, [.. matches.Select(m => new LedgerMatch(m.PoolId, m.AmountFen, m.RatioBps))]);
    }

    /// <returns>false when the batch did not commit; every caller in it has then been answered or re-queued.</returns>
    private async Task<bool> TryAppendAsync(List<LedgerDonation> accepted, List<(PendingDonation Pending, LedgerDonation Donation, bool Created)> waitingForCommit)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await OffTurn(async () =>
            {
                await ledger.AppendAsync(accepted, _fence);
                return true;
            });
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var campaignTag = new KeyValuePair<string, object?>("campaign", CampaignId);
            CharityDayTelemetry.CommitDuration.Record(elapsedMs, campaignTag);
            CharityDayTelemetry.CommitBatchSize.Record(accepted.Count, campaignTag);
            CharityDayTelemetry.Commits.Add(1, campaignTag, new KeyValuePair<string, object?>("result", "committed"));
            return true;
        }
        catch (FencedOutException)
        {
            CharityDayTelemetry.Commits.Add(1, new KeyValuePair<string, object?>("campaign", CampaignId), new KeyValuePair<string, object?>("result", "fenced"));
            OnFencedOut();
            Fail(waitingForCommit.Select(w => w.Pending), "the campaign moved to another silo; retry");
            return false;
        }
        catch (DuplicateDonationException)
        {
            // The same id committed through another path (another campaign, or another activation
            // during a membership change). Forget this batch's matches and decide it again.
            CharityDayTelemetry.Commits.Add(1, new KeyValuePair<string, object?>("campaign", CampaignId), new KeyValuePair<string, object?>("result", "duplicate"));
            _bookStale = true;
            var retry = waitingForCommit.Select(w => w.Pending).Where(p => ++p.Attempts < CampaignLimits.MaxAttempts).ToList();
            Fail(waitingForCommit.Select(w => w.Pending).Where(p => p.Attempts >= CampaignLimits.MaxAttempts), "the donation could not be committed");
            _pending.InsertRange(0, retry);
            return false;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Group commit of {Count} donations failed for campaign {CampaignId}", accepted.Count, CampaignId);
            CharityDayTelemetry.Commits.Add(1, new KeyValuePair<string, object?>("campaign", CampaignId), new KeyValuePair<string, object?>("result", "failed"));
            _bookStale = true;
            Fail(waitingForCommit.Select(w => w.Pending), "the ledger write failed; nothing was recorded");
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
        foreach (var match in donation.Matches)
        {
            CharityDayTelemetry.MatchedAmount.Add(match.AmountFen, campaign, new KeyValuePair<string, object?>("pool", match.PoolId));
        }
    }

    private static void Resolve(PendingDonation pending, DonationOutcome outcome)
    {
        CharityDayTelemetry.IngestDuration.Record(Stopwatch.GetElapsedTime(pending.EnqueuedAt).TotalMilliseconds,
            new KeyValuePair<string, object?>("result", outcome.Kind.ToString()));
        pending.Completion.TrySetResult(outcome);
    }

    private static void Fail(IEnumerable<PendingDonation> pending, string detail)
    {
        foreach (var p in pending)
        {
            Resolve(p, DonationOutcome.Of(DonationResultKind.Failed, detail));
        }
    }
}
