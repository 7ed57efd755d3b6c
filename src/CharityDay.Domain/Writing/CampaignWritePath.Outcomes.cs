using CharityDay.Domain.Giving;
using CharityDay.Domain.Matching;

namespace CharityDay.Domain.Writing;

/// <summary>
/// What the ledger said, applied: a commit's outcome, the rebuild from the ledger, and the other
/// writes (refund, clawback) — each once its transaction has ended.
/// </summary>
public sealed partial class CampaignWritePath<TRequest, TRow>
{
    /// <summary>The batch's transaction committed: totals, the replay cache and every caller's answer.</summary>
    public void Committed(WriteBatch<TRequest, TRow> batch)
    {
        EndCommit(batch, BatchStage.Committed);
        foreach (var row in batch.Accepted)
        {
            var figures = _rows.Figures(row);
            var totals = TotalsOf(figures.ProjectId);
            totals.AddDonation(figures.Key.PartnerId, figures.AmountFen);
            totals.AddMatched(figures.MatchedFen);
            totals.AddPoints(figures.Points ?? 0);
            if (figures.Merchant is { } merchant)
            {
                totals.AddMerchant(figures.AmountFen, figures.OrderCount!.Value);
                Merchants.Accepted(merchant, figures.AmountFen, figures.OrderCount!.Value);
            }
            if (figures.TeamId is { } teamId)
            {
                Teams.Accepted(new TeamKey(figures.Key.PartnerId, teamId), figures.DonorId ?? "", figures.AmountFen, figures.MatchedFen);
            }
            _recent.Set(figures.Key, row);
        }
        foreach (var (item, row, created) in batch.Waiting)
        {
            Answer(item.Request, created ? WriteResult.Created : WriteResult.Replayed, row);
        }
        // Only now may the working set drop donors: none of this batch's is uncommitted any more.
        Book.RotateDonors();
        _acceptedSincePrune += batch.Accepted.Count;
        if (_acceptedSincePrune > _limits.PruneAfterAccepted)
        {
            Book.Prune(_now());
            _acceptedSincePrune = 0;
        }
    }

    /// <summary>
    /// The batch's transaction failed and recorded nothing: its callers are answered failed. The book
    /// holds its matches (and those of the batch matched behind it, which goes back to the queue):
    /// stale until rebuilt from the ledger.
    /// </summary>
    public void CommitFailed(WriteBatch<TRequest, TRow> batch, string detail)
    {
        EndCommit(batch, BatchStage.Failed);
        Fail(batch.Waiting.Select(w => w.Item.Request), detail);
        SendBackNext(retried: []);
    }

    /// <summary>
    /// An id of the batch was committed through another path (another campaign, or another
    /// activation during a membership change), so the transaction was refused whole: its donations
    /// are decided again, ahead of the queue, up to <see cref="WritePathLimits.MaxAttempts"/> times.
    /// </summary>
    public void CommitRefusedAsDuplicate(WriteBatch<TRequest, TRow> batch, string detailWhenOutOfAttempts)
    {
        EndCommit(batch, BatchStage.Failed);
        var retried = new List<QueuedDonation<TRequest>>();
        foreach (var (item, _, _) in batch.Waiting)
        {
            if (++item.Attempts < _limits.MaxAttempts)
            {
                retried.Add(item);
            }
            else
            {
                Answer(item.Request, WriteResult.Failed, null, detailWhenOutOfAttempts);
            }
        }
        SendBackNext(retried);
    }

    /// <summary>Where a restore reads the donations of the last minute from; null when no pool limits donations per minute.</summary>
    public DateTimeOffset? RecentSince(DateTimeOffset now) =>
        Book.TracksRecentDonations || _pools.Values.Any(p => p.PerDonorMinuteCount is not null) ? now - MatchingBook.MinuteWindow : null;

    /// <summary>
    /// Restores the book's sums and the totals from the ledger's durable sums (the ledger is the
    /// truth), keeping the donors' days the book holds: each one is what the ledger says, since the
    /// donors a failed commit touched were forgotten. Only when nothing is committing or matched:
    /// their outcome must be in the snapshot, or not at all.
    /// </summary>
    public void Restore(CampaignLedgerSnapshot snapshot)
    {
        if (!Idle)
        {
            throw new InvalidOperationException("a rebuild waits for the commit in flight and the batch matched behind it");
        }
        var book = new MatchingBook(Book.TimeZone, Book.Donors) { AllDonorsKnown = false };
        foreach (var pool in _pools.Values)
        {
            book.SetPool(pool);
        }
        var totals = snapshot.RestoreInto(book);
        Book = book;
        Teams.Clear();
        snapshot.RestoreTeams(Teams);
        Merchants.Clear();
        snapshot.RestoreMerchants(Merchants);
        Pledges.ClearCharges();
        snapshot.RestorePledgeCharges(Pledges);
        // The same dictionary instance: read models hold on to it.
        _totals.Clear();
        foreach (var (id, t) in totals)
        {
            _totals[id] = t;
        }
        _recent.Clear();
        _acceptedSincePrune = 0;
        // Another activation may have stamped later times (its silo's clock ahead of ours), and the mark
        // may sit on the latest one: the rows after the mark are read by acceptance time, so ours come
        // strictly after every stored one.
        if (snapshot.LatestAcceptedAt?.AddMilliseconds(1) is { } after && after > _lastAcceptedAt)
        {
            _lastAcceptedAt = after;
        }
        BookStale = false;
    }

    /// <summary>
    /// A refund committed: the donation leaves its project's totals and its live matches go back
    /// to their pools. <paramref name="refunded"/> is the row as it now stands, for replays.
    /// </summary>
    public void Refunded(TRow before, TRow refunded)
    {
        RequireFreshAndIdle();
        var figures = _rows.Figures(before);
        var totals = TotalsOf(figures.ProjectId);
        totals.RemoveDonation(figures.Key.PartnerId, figures.AmountFen);
        // A points gift's payment goes back to its conversion pool like a match (SPEC §7), but was never counted as matched.
        foreach (var match in figures.LiveMatches)
        {
            Book.Reverse(match);
        }
        totals.AddMatched(-figures.MatchedFen);
        totals.AddPoints(-(figures.Points ?? 0));
        if (figures.Merchant is { } merchant)
        {
            totals.AddMerchant(-figures.AmountFen, -figures.OrderCount!.Value);
            Merchants.Refunded(merchant, figures.AmountFen, figures.OrderCount!.Value);
        }
        if (figures.TeamId is { } teamId)
        {
            Teams.Refunded(new TeamKey(figures.Key.PartnerId, teamId), figures.DonorId ?? "", figures.AmountFen, figures.MatchedFen);
        }
        _recent.Set(figures.Key, refunded);
    }

    /// <summary>
    /// A clawback committed: each reversed match goes back to its pool, the donor is flagged on the
    /// pool for good, and the cached rows it touched are forgotten (a replay reads them again).
    /// <paramref name="teamOf"/> names the team of each reversed donation that has one.
    /// </summary>
    public void ClawedBack(string poolId, string donorId, IReadOnlyList<(DonationKey Donation, MatchRecord Match)> reversed, string? partnerId = null,
        IReadOnlyDictionary<DonationKey, string>? teamOf = null)
    {
        RequireFreshAndIdle();
        foreach (var (donation, match) in reversed)
        {
            Book.Reverse(match);
            TotalsOf(match.ProjectId).AddMatched(-match.AmountFen);
            if (teamOf?.GetValueOrDefault(donation) is { } teamId)
            {
                Teams.MatchReversed(new TeamKey(donation.PartnerId, teamId), match.AmountFen);
            }
            _recent.Remove(donation);
        }
        Book.Flag(poolId, donorId, partnerId);
    }

    private void EndCommit(WriteBatch<TRequest, TRow> batch, BatchStage outcome)
    {
        if (outcome == BatchStage.Failed)
        {
            // Their days hold matches the ledger may not have (nor, for the batch behind, ever will).
            ForgetDonorsMatchedIn(batch);
            if (Next is { Stage: BatchStage.Matched } next)
            {
                ForgetDonorsMatchedIn(next);
            }
        }
        if (!ReferenceEquals(Committing, batch))
        {
            throw new InvalidOperationException("only the batch committing can end its commit");
        }
        Committing = null;
        foreach (var row in batch.Accepted)
        {
            _committingKeys.Remove(_rows.Figures(row).Key);
        }
        batch.Stage = outcome;
        if (outcome == BatchStage.Failed)
        {
            BookStale = true;
        }
    }

    /// <summary>
    /// After a failed commit: its retried donations, then the batch matched on top of it (on a book
    /// holding the failed matches, so never to be written), go back to the front of the queue.
    /// </summary>
    private void SendBackNext(List<QueuedDonation<TRequest>> retried)
    {
        var back = retried;
        if (Next is { Stage: BatchStage.Matched } next)
        {
            back.AddRange(next.Waiting.Select(w => w.Item));
            back.AddRange(next.Deferred);
            next.Stage = BatchStage.SentBack;
            Next = null;
        }
        _queue.InsertRange(0, back);
    }

    private void ForgetDonorsMatchedIn(WriteBatch<TRequest, TRow> batch)
    {
        foreach (var row in batch.Accepted)
        {
            foreach (var match in _rows.Figures(row).LiveMatches)
            {
                Book.ForgetDonor(match.Donor);
            }
        }
    }

    private void RequireFreshAndIdle()
    {
        if (BookStale || !Idle)
        {
            throw new InvalidOperationException("a refund or clawback is applied on a fresh book with nothing in flight");
        }
    }

    private ProjectTotals TotalsOf(string projectId)
    {
        if (!_totals.TryGetValue(projectId, out var totals))
        {
            _totals[projectId] = totals = new ProjectTotals();
        }
        return totals;
    }
}
