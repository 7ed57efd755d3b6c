using CharityDay.Domain.Matching;
using CharityDay.Domain.Writing;

namespace CharityDay.Domain.Tests.Matching.Simulation;

/// <summary>
/// Everything else that takes the write lock — pool changes, refunds, clawbacks, a read that
/// finds the book stale — and the rebuild from the ledger. The bookkeeping is the production
/// write path's; what stays here is the simulated ledger's I/O and who waits for the lock.
/// </summary>
internal sealed partial class SimulatedAuthority
{
    /// <summary>
    /// Runs now if nothing is in flight, else waits. The grain's <c>WriteGate</c> serves these
    /// urgent waiters before the flush loop's next batch, and each then waits for the commit in
    /// flight (<c>EnterExclusiveAsync</c>) — and so for the batch matched behind it, which the
    /// flush loop starts before it lets the lock go.
    /// </summary>
    public void Request(AdminRequest request)
    {
        Alive();
        _waitingForLock.Enqueue(request);
        ReleaseLock();
    }

    /// <summary>A read of totals or balances: <c>EnsureFreshForReadAsync</c> rebuilds a stale book first.</summary>
    public void Read()
    {
        Alive();
        if (BookStale && Idle)
        {
            EnsureBookFresh();
        }
    }

    /// <summary>
    /// <c>RebuildFromLedgerAsync</c> without installing the result — the same
    /// <see cref="CampaignLedgerSnapshot.RestoreInto"/> — the book and totals a fresh activation would
    /// derive from the ledger now. The auditor uses it to see what a read sees.
    /// </summary>
    public (MatchingBook Book, Dictionary<string, ProjectTotals> Totals) BuildFromLedger()
    {
        var book = new MatchingBook(Scenario.Shanghai);
        foreach (var pool in Pools.Values)
        {
            book.SetPool(pool);
        }
        var totals = _ledger.Load(_write.RecentSince(_clock.Now)).RestoreInto(book);
        book.AllDonorsKnown = false;
        // Every donor's today, as a batch would load it: what the live book holds must equal it.
        var load = new DonorLoad(book.LocalDay(_clock.Now), [.. SimCampaign.Donors], book.DonorCappedPoolIds);
        var rows = _ledger.DonorDays(load).ToLookup(r => r.Donor);
        foreach (var donor in load.Donors)
        {
            book.LoadDonor(donor, load.Day, rows[donor].Select(r => (r.PoolId, r.MatchedFen, r.MatchCount)));
        }
        return (book, totals);
    }

    /// <summary>Called with the book, fresh and holding only committed work, before each waiter for the lock runs.</summary>
    public Action<MatchingBook>? BeforeLockHolder { get; set; }

    private void ReleaseLock()
    {
        while (Idle && _waitingForLock.TryDequeue(out var request))
        {
            if (!BookStale)
            {
                BeforeLockHolder?.Invoke(Book);
            }
            Run(request);
        }
    }

    private void Run(AdminRequest request)
    {
        switch (request)
        {
            case PoolChangeRequest change:
                UpsertPool(change);
                break;
            case RefundRequest refund:
                Refund(refund);
                break;
            case ClawbackRequest clawback:
                Clawback(clawback);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(request), request, null);
        }
    }

    /// <summary>
    /// <c>UpsertPool</c>: swap the rules under the lock, then answer. It does not rebuild a stale
    /// book: the rebuild reads the pools the write path holds, which already include the change.
    /// </summary>
    private void UpsertPool(PoolChangeRequest change)
    {
        _write.SetPool(change.Rules);
        _outbox.Add(new AdminAnswer(change.CallId, AdminResult.Applied, []));
    }

    private void Refund(RefundRequest refund)
    {
        EnsureBookFresh();
        var donation = _ledger.Find(refund.Key);
        if (donation is null)
        {
            _outbox.Add(new AdminAnswer(refund.CallId, AdminResult.NotFound, []));
            return;
        }
        if (donation.Refunded)
        {
            _outbox.Add(new AdminAnswer(refund.CallId, AdminResult.AlreadyRefunded, []));
            return;
        }
        // A failed ledger write throws before the book is touched: the caller gets an error.
        if (refund.WriteFails || !_ledger.Refund(refund.Key))
        {
            _outbox.Add(new AdminAnswer(refund.CallId, refund.WriteFails ? AdminResult.Failed : AdminResult.AlreadyRefunded, []));
            return;
        }
        _write.Refunded(donation, _ledger.Find(refund.Key)!);
        _outbox.Add(new AdminAnswer(refund.CallId, AdminResult.Applied, [.. donation.Matches.Where(m => m.IsLive).Select(donation.ToRecord)]));
    }

    private void Clawback(ClawbackRequest clawback)
    {
        EnsureBookFresh();
        if (clawback.WriteFails)
        {
            _outbox.Add(new AdminAnswer(clawback.CallId, AdminResult.Failed, []));
            return;
        }
        var reversed = _ledger.Clawback(clawback.PoolId, clawback.DonorId).Select(x => (x.Donation.Key, Match: x.Donation.ToRecord(x.Match))).ToList();
        _write.ClawedBack(clawback.PoolId, clawback.DonorId, reversed);
        _outbox.Add(new AdminAnswer(clawback.CallId, AdminResult.Applied, [.. reversed.Select(r => r.Match)]));
    }

    /// <summary>After a failed write the in-memory book may hold matches that never committed.</summary>
    private void EnsureBookFresh()
    {
        if (BookStale)
        {
            RebuildFromLedger();
        }
    }

    private void RebuildFromLedger()
    {
        var snapshot = _ledger.Load(_write.RecentSince(_clock.Now));
        RestoresWithTail += snapshot.TailDonations > 0 && snapshot.SumsThrough is not null ? 1 : 0;
        _write.Restore(snapshot);
        _onRebuilt(_write.Book);
    }

    /// <summary>Restores that added rows after the sums' mark to the sums.</summary>
    public int RestoresWithTail { get; private set; }
}
