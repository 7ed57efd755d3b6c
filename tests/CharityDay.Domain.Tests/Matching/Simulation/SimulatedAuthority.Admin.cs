using CharityDay.Domain.Matching;

namespace CharityDay.Domain.Tests.Matching.Simulation;

/// <summary>
/// Everything else that takes the write lock — pool changes, refunds, clawbacks, a read that
/// finds the book stale — and the rebuild from the ledger.
/// </summary>
internal sealed partial class SimulatedAuthority
{
    /// <summary>
    /// Runs now if the lock is free, else waits behind the batch in flight. The grain's lock is a
    /// <c>SemaphoreSlim</c>: its waiters are served first come, first served, and before the flush
    /// loop asks for the lock again.
    /// </summary>
    public void Request(AdminRequest request)
    {
        Alive();
        if (_inFlight is null)
        {
            Run(request);
        }
        else
        {
            _waitingForLock.Enqueue(request);
        }
    }

    /// <summary>A read of totals or balances: <c>EnsureFreshForReadAsync</c> rebuilds a stale book first.</summary>
    public void Read()
    {
        Alive();
        if (_bookStale && _inFlight is null)
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
        foreach (var pool in _pools.Values)
        {
            book.SetPool(pool);
        }
        var now = _clock.Now;
        var snapshot = _ledger.Load(book.LocalDay(now).AddDays(-1), now - MatchingBook.MinuteWindow);
        var totals = snapshot.RestoreInto(book);
        return (book, totals);
    }

    private void ReleaseLock()
    {
        while (_inFlight is null && _waitingForLock.TryDequeue(out var request))
        {
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
    /// book: the rebuild reads the pools from <see cref="_pools"/>, which already holds the change.
    /// </summary>
    private void UpsertPool(PoolChangeRequest change)
    {
        _pools[change.Rules.PoolId] = change.Rules;
        _book.SetPool(change.Rules);
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
        var totals = TotalsOf(donation.ProjectId);
        totals.RemoveDonation(donation.Key.PartnerId, donation.AmountFen);
        var reversed = donation.Matches.Where(m => m.IsLive).Select(donation.ToRecord).ToList();
        foreach (var match in reversed)
        {
            _book.Reverse(match);
            totals.AddMatched(-match.AmountFen);
        }
        _outbox.Add(new AdminAnswer(refund.CallId, AdminResult.Applied, reversed));
    }

    private void Clawback(ClawbackRequest clawback)
    {
        EnsureBookFresh();
        if (clawback.WriteFails)
        {
            _outbox.Add(new AdminAnswer(clawback.CallId, AdminResult.Failed, []));
            return;
        }
        var reversed = _ledger.Clawback(clawback.PoolId, clawback.DonorId).Select(x => x.Donation.ToRecord(x.Match)).ToList();
        foreach (var match in reversed)
        {
            _book.Reverse(match);
            TotalsOf(match.ProjectId).AddMatched(-match.AmountFen);
        }
        _book.Flag(clawback.PoolId, clawback.DonorId);
        _outbox.Add(new AdminAnswer(clawback.CallId, AdminResult.Applied, reversed));
    }

    /// <summary>After a failed write the in-memory book may hold matches that never committed.</summary>
    private void EnsureBookFresh()
    {
        if (_bookStale)
        {
            RebuildFromLedger();
        }
    }

    private void RebuildFromLedger()
    {
        (_book, _totals) = BuildFromLedger();
        _bookStale = false;
        _onRebuilt(_book);
    }
}
