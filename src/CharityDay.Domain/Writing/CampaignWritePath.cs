using CharityDay.Domain.Giving;
using CharityDay.Domain.Matching;

namespace CharityDay.Domain.Writing;

/// <summary>
/// One campaign's write path as a state machine, synchronous and free of I/O: the queue of posted
/// donations and its bound, cutting a batch, classifying and matching it in arrival order, the
/// pipeline (at most one batch committing and one matched behind it), applying a commit's outcome,
/// the rebuild from the ledger, refunds, clawbacks and pool changes. <c>CampaignGrain</c> drives it
/// around its ledger calls and the seeded simulation drives the very same code around a simulated
/// ledger. Not thread-safe: one activation calls it from one turn at a time.
/// </summary>
/// <remarks>
/// The pipeline: batch N+1 is looked up and matched while N commits, on the book that already holds
/// N's matches. So N's outcome decides N+1: if N commits, N+1 is written next; if N fails, N+1 is
/// sent back to the front of the queue and the book is stale until rebuilt from the ledger, which
/// needs nothing to be committing or matched. An id of N posted again while N commits is deferred:
/// N's outcome decides it in a later batch (replay, conflict or new).
/// </remarks>
public sealed partial class CampaignWritePath<TRequest, TRow> where TRow : class
{
    private readonly IDonationRows<TRequest, TRow> _rows;
    private readonly WritePathLimits _limits;
    private readonly Func<DateTimeOffset> _now;
    private readonly List<QueuedDonation<TRequest>> _queue = [];
    private readonly HashSet<DonationKey> _committingKeys = [];
    private readonly Dictionary<string, PoolRules> _pools = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _projectOpen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ProjectTotals> _totals = new(StringComparer.Ordinal);
    private readonly List<WriteAnswer<TRequest, TRow>> _answers = [];
    private readonly RecentRows<TRow> _recent;
    private long _acceptedSincePrune;
    private DateTimeOffset _lastAcceptedAt = DateTimeOffset.MinValue;
    private DateTimeOffset _sumsMovedAt = DateTimeOffset.MinValue;

    /// <param name="now">The server clock, in whole milliseconds as the ledger stores it: stamps each acceptance.</param>
    public CampaignWritePath(IDonationRows<TRequest, TRow> rows, WritePathLimits limits, TimeZoneInfo timeZone, Func<DateTimeOffset> now)
    {
        _rows = rows;
        _limits = limits;
        _now = now;
        _recent = new RecentRows<TRow>(limits.RecentRowsCached);
        // Empty, not stale: the owner restores it from the ledger when it activates a campaign that exists.
        Book = new MatchingBook(timeZone, new DonorWorkingSet(limits.DonorsKept));
    }

    public MatchingBook Book { get; private set; }

    /// <summary>The book may hold matches that never committed: rebuild (<see cref="Restore"/>) before deciding anything.</summary>
    public bool BookStale { get; private set; }

    /// <summary>Per project, the accepted and not refunded donations and their live matches. The same instance for the path's life.</summary>
    public IReadOnlyDictionary<string, ProjectTotals> Totals => _totals;

    public IReadOnlyDictionary<string, PoolRules> Pools => _pools;

    /// <summary>Per team, its accepted and not refunded donations, their live matches and donors (SPEC §7). The same instance for the path's life.</summary>
    public TeamBook Teams { get; } = new();

    /// <summary>Per merchant, its live gifts (SPEC §7 merchant board). The same instance for the path's life.</summary>
    public MerchantBook Merchants { get; } = new();

    /// <summary>The campaign's monthly pledges and their charges (SPEC §7). The same instance for the path's life.</summary>
    public PledgeBook Pledges { get; } = new();

    public int PendingCount => _queue.Count;

    public TRequest PendingAt(int index) => _queue[index].Request;

    /// <summary>The batch whose ledger transaction is in flight, if any.</summary>
    public WriteBatch<TRequest, TRow>? Committing { get; private set; }

    /// <summary>The batch matched on top of <see cref="Committing"/> (or cut and being looked up), if any.</summary>
    public WriteBatch<TRequest, TRow>? Next { get; private set; }

    /// <summary>Nothing committing and nothing matched: the book holds only committed work (unless stale).</summary>
    public bool Idle => Committing is null && Next is not { Stage: BatchStage.Matched };

    /// <summary>Hands over the answers decided since the last call, in the order they were decided.</summary>
    public List<WriteAnswer<TRequest, TRow>> TakeAnswers()
    {
        var answers = _answers.ToList();
        _answers.Clear();
        return answers;
    }

    // ---- Settings the decisions depend on ----

    public void SetPool(PoolRules rules)
    {
        var tracked = Book.TracksRecentDonations;
        _pools[rules.PoolId] = rules;
        Book.SetPool(rules);
        if (Book.TracksRecentDonations && !tracked)
        {
            // A per-minute limit counts the donations of the last minute, which the book did not keep.
            BookStale = true;
        }
    }

    public void SetProject(string projectId, bool isOpen) => _projectOpen[projectId] = isOpen;

    /// <summary>A new time zone moves every local day: the book is derived again from the ledger.</summary>
    public void SetTimeZone(TimeZoneInfo timeZone)
    {
        if (!timeZone.Equals(Book.TimeZone))
        {
            Book.TimeZone = timeZone;
            // Every donor's day was a day of the old zone.
            Book.ForgetAllDonors();
            BookStale = true;
        }
    }

    // ---- The queue ----

    /// <summary><c>Donate</c>: queue the donations, or shed all of them when they do not fit.</summary>
    /// <returns>
    /// false when shed: nothing was queued, and the caller answers each one <see cref="WriteResult.Overloaded"/>
    /// at once (a bound with a visible answer, instead of work finished after the partner's timeout).
    /// </returns>
    public bool Arrive(IReadOnlyList<TRequest> requests)
    {
        if (_queue.Count + requests.Count > _limits.MaxPending)
        {
            return false;
        }
        _queue.AddRange(requests.Select(r => new QueuedDonation<TRequest>(r, _rows.KeyOf(r))));
        return true;
    }

    /// <summary>Takes up to <paramref name="maxSize"/> (at most <see cref="WritePathLimits.MaxBatch"/>) queued donations as the next batch.</summary>
    /// <returns>null when the queue is empty.</returns>
    public WriteBatch<TRequest, TRow>? Cut(int? maxSize = null)
    {
        if (Next is not null)
        {
            throw new InvalidOperationException("a batch is already matched behind the commit in flight: the flush loop holds the lock");
        }
        if (_queue.Count == 0)
        {
            return null;
        }
        var take = Math.Min(_queue.Count, Math.Clamp(maxSize ?? _limits.MaxBatch, 1, _limits.MaxBatch));
        var batch = new WriteBatch<TRequest, TRow>(_queue.GetRange(0, take));
        _queue.RemoveRange(0, take);
        Next = batch;
        return batch;
    }

    /// <summary>
    /// The ids whose fate only the ledger knows: not recently written, not committing right now (a
    /// post of an id being committed is deferred, and decided once that commit has an outcome).
    /// </summary>
    public List<DonationKey> KeysToLookUp(WriteBatch<TRequest, TRow> batch)
    {
        var keys = batch.Items.Select(i => i.Key).Where(k => !_recent.Contains(k) && !_committingKeys.Contains(k)).ToHashSet();
        batch.LookedUp = keys;
        return [.. keys];
    }

    /// <summary>
    /// The donors of the batch whose day a capped pool needs and the book does not hold: the owner
    /// reads them from the ledger (one query for the batch, like <see cref="KeysToLookUp"/>) and hands
    /// them to <see cref="LoadDonors"/> before <see cref="Match"/>. The donors the book holds are
    /// marked recently used, so that they are still held when the batch is matched.
    /// </summary>
    /// <returns>null when no donor needs loading.</returns>
    public DonorLoad? DonorsToLoad(WriteBatch<TRequest, TRow> batch)
    {
        if (Book.AllDonorsKnown)
        {
            return null;
        }
        var missing = new HashSet<DonorKey>();
        foreach (var item in batch.Items)
        {
            var donor = _rows.DonorOf(item.Request);
            if (Book.MustLoad(donor, _rows.ProjectOf(item.Request)))
            {
                missing.Add(donor);
            }
        }
        return missing.Count == 0 ? null : new DonorLoad(Book.LocalDay(AcceptanceTime()), [.. missing], Book.DonorCappedPoolIds);
    }

    /// <summary>The ledger's answer to <see cref="DonorsToLoad"/>: every asked donor is held from now on (none found = nothing matched that day).</summary>
    public void LoadDonors(DonorLoad load, IEnumerable<DonorDayRow> rows)
    {
        var byDonor = rows.ToLookup(r => r.Donor);
        foreach (var donor in load.Donors)
        {
            Book.LoadDonor(donor, load.Day, byDonor[donor].Select(r => (r.PoolId, r.MatchedFen, r.MatchCount)));
        }
    }

    /// <summary>
    /// Classifies each donation of the batch in arrival order — an in-batch sibling, a replay or
    /// conflict of a cached or stored row, deferred (its id is committing, so the ledger was not
    /// asked), an unknown or closed project — and matches the new ones on the book. Decided refusals
    /// are answered now; the rest wait for the commit.
    /// </summary>
    /// <param name="stored">The ledger's rows for <see cref="KeysToLookUp"/> (absent = never written).</param>
    public void Match(WriteBatch<TRequest, TRow> batch, IReadOnlyDictionary<DonationKey, TRow> stored)
    {
        Expect(batch, BatchStage.Cut);
        var lookedUp = batch.LookedUp ?? throw new InvalidOperationException("look the batch's ids up (KeysToLookUp) before matching");
        if (BookStale)
        {
            throw new InvalidOperationException("the book is stale: rebuild it from the ledger before matching");
        }
        var inBatch = new Dictionary<DonationKey, TRow>();
        foreach (var item in batch.Items)
        {
            var request = item.Request;
            if (inBatch.TryGetValue(item.Key, out var sibling))
            {
                if (_rows.SamePayload(sibling, request))
                {
                    batch.Waiting.Add((item, sibling, false));
                }
                else
                {
                    Answer(request, WriteResult.Conflict);
                }
                continue;
            }
            if ((_recent.Get(item.Key) ?? stored.GetValueOrDefault(item.Key)) is { } prior)
            {
                if (_rows.SamePayload(prior, request))
                {
                    Answer(request, WriteResult.Replayed, prior);
                }
                else
                {
                    Answer(request, WriteResult.Conflict);
                }
                continue;
            }
            if (!lookedUp.Contains(item.Key))
            {
                // Neither cached nor looked up: its first post is committing (that commit's outcome
                // decides it: replay, conflict or new), or the cache forgot it while the ids were
                // looked up (a rebuild clears it). The next batch asks the ledger, rather than this
                // one matching it as new and having its whole commit refused on the duplicate key.
                batch.Deferred.Add(item);
                continue;
            }
            var projectId = _rows.ProjectOf(request);
            if (!_projectOpen.TryGetValue(projectId, out var open))
            {
                Answer(request, WriteResult.ProjectNotFound);
                continue;
            }
            if (!open)
            {
                Answer(request, WriteResult.ProjectClosed);
                continue;
            }
            if (Book.MustLoad(_rows.DonorOf(request), projectId))
            {
                // The donor's day was not loaded for this batch (the book dropped it after a failed
                // commit): decided in the next batch, once loaded — never as a donor with nothing matched.
                batch.Deferred.Add(item);
                continue;
            }
            var acceptedAt = AcceptanceTime();
            var facts = _rows.Facts(request, acceptedAt);
            if (_rows.PledgeOf(request) is { } pledgeId)
            {
                var pledged = ChargePledge(item, pledgeId, facts, batch);
                if (pledged is null)
                {
                    continue;
                }
                facts = pledged;
            }
            _lastAcceptedAt = acceptedAt;
            var matches = Book.Accept(facts);
            if (facts.IsPointsGift)
            {
                if (ConvertPoints(facts, matches) is not { } paid)
                {
                    Answer(request, WriteResult.PointsNotConvertible);
                    continue;
                }
                facts = paid;
            }
            var row = _rows.Row(request, facts, Book.LocalDay(acceptedAt), matches);
            batch.Accepted.Add(row);
            inBatch[item.Key] = row;
            batch.Waiting.Add((item, row, true));
        }
        batch.Stage = BatchStage.Matched;
    }

    /// <summary>
    /// The commit ahead has ended (or there was none): the matched batch's ledger transaction starts
    /// now, and its deferred posts go back to the front of the queue.
    /// </summary>
    /// <returns>
    /// false when the batch is not to be written: it was sent back (the commit ahead failed) or it
    /// created nothing, in which case its callers are answered now.
    /// </returns>
    public bool StartCommit(WriteBatch<TRequest, TRow> batch)
    {
        if (batch.Stage == BatchStage.SentBack)
        {
            return false;
        }
        Expect(batch, BatchStage.Matched);
        if (Committing is not null)
        {
            throw new InvalidOperationException("the commit ahead has not ended: ledger writes stay in order");
        }
        Next = null;
        _queue.InsertRange(0, batch.Deferred);
        if (batch.Accepted.Count == 0)
        {
            // Nothing to write, so nothing to wait for (siblings exist only of a created row).
            batch.Stage = BatchStage.Committed;
            return false;
        }
        foreach (var row in batch.Accepted)
        {
            _committingKeys.Add(_rows.Figures(row).Key);
        }
        batch.Stage = BatchStage.Committing;
        Committing = batch;
        return true;
    }

    /// <summary>
    /// Whether the commit of <paramref name="batch"/> (just started) also moves the durable sums' mark
    /// forward, and to where: about once per <see cref="WritePathLimits.SumsInterval"/>, to just before
    /// the batch's latest acceptance. Every donation accepted up to there is in this batch or an earlier
    /// one (acceptance times never go back), so all of it is committed once this commit is; a later
    /// batch's donations are all after it.
    /// </summary>
    /// <returns>null when the mark stays.</returns>
    public DateTimeOffset? SumsThroughFor(WriteBatch<TRequest, TRow> batch)
    {
        var now = _now();
        if (batch.Accepted.Count == 0 || now - _sumsMovedAt < _limits.SumsInterval)
        {
            return null;
        }
        _sumsMovedAt = now;
        return batch.Accepted.Max(r => _rows.Figures(r).AcceptedAt).AddMilliseconds(-1);
    }

    /// <summary>
    /// Gives up a batch before it was matched (its lookup or the rebuild failed): every caller in it
    /// is answered failed, and the book is rebuilt before anything else is decided.
    /// </summary>
    public void Abandon(WriteBatch<TRequest, TRow> batch, string detail)
    {
        if (!ReferenceEquals(Next, batch))
        {
            throw new InvalidOperationException("only the batch being matched can be abandoned");
        }
        Next = null;
        // It may have been matched in part: no donor's day is trusted.
        MarkStale();
        batch.Stage = BatchStage.Abandoned;
        Fail(batch.Items.Select(i => i.Request), detail);
    }

    /// <summary>The owner lost track of what the ledger holds (fenced out, an unexpected fault): rebuild before deciding.</summary>
    public void MarkStale()
    {
        Book.ForgetAllDonors();
        BookStale = true;
    }

    /// <summary>The write path itself broke: every queued caller is answered failed.</summary>
    public void FailQueue(string detail)
    {
        MarkStale();
        Fail(_queue.Select(i => i.Request), detail);
        _queue.Clear();
    }

    /// <summary>
    /// A pledge charge is accepted only on its pledge's terms and once per campaign-local month
    /// (SPEC §7). A month charged by a donation still committing is decided once that commit has an
    /// outcome (deferred), so a failed commit never leaves a 409 for a month nobody charged.
    /// </summary>
    /// <returns>The facts marked as a pledge gift, or null when the donation was answered or deferred.</returns>
    private DonationFacts? ChargePledge(QueuedDonation<TRequest> item, string pledgeId, DonationFacts facts, WriteBatch<TRequest, TRow> batch)
    {
        var pledge = new PledgeKey(item.Key.PartnerId, pledgeId);
        var month = PledgeBook.MonthOf(Book.LocalDay(facts.AcceptedAt));
        switch (Pledges.Check(pledge, facts.ProjectId, facts.DonorId, facts.AmountFen, month))
        {
            case PledgeCheck.NotAllowed:
                Answer(item.Request, WriteResult.PledgeNotAllowed);
                return null;
            case PledgeCheck.AlreadyCharged when Pledges.ChargeOf(pledge, month) is { } by && _committingKeys.Contains(by):
                batch.Deferred.Add(item);
                return null;
            case PledgeCheck.AlreadyCharged:
                Answer(item.Request, WriteResult.PledgeAlreadyCharged);
                return null;
            case var check:
                Pledges.Charge(pledge, month, item.Key);
                return facts with { IsPledgeGift = true, IsFirstCharge = check == PledgeCheck.FirstCharge };
        }
    }

    /// <summary>The server clock, never earlier than the last acceptance: a donor's day only moves forward.</summary>
    private DateTimeOffset AcceptanceTime()
    {
        var now = _now();
        return now < _lastAcceptedAt ? _lastAcceptedAt : now;
    }

    private void Answer(TRequest request, WriteResult result, TRow? row = null, string? detail = null) =>
        _answers.Add(new WriteAnswer<TRequest, TRow>(request, result, row, detail));

    private void Fail(IEnumerable<TRequest> requests, string detail)
    {
        foreach (var request in requests)
        {
            Answer(request, WriteResult.Failed, null, detail);
        }
    }

    private static void Expect(WriteBatch<TRequest, TRow> batch, BatchStage stage)
    {
        if (batch.Stage != stage)
        {
            throw new InvalidOperationException($"the batch is {batch.Stage}, expected {stage}");
        }
    }
}
