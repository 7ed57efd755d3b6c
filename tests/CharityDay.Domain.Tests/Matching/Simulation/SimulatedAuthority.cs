using CharityDay.Domain.Matching;
using CharityDay.Domain.Writing;

namespace CharityDay.Domain.Tests.Matching.Simulation;

/// <summary>
/// One activation of <c>CampaignGrain</c> as the simulation sees it: the production write path
/// (<see cref="CampaignWritePath{TRequest, TRow}"/>) driven around a <see cref="SimulatedLedger"/>
/// instead of SQL. It keeps only what the grain keeps around the write path: the I/O, the write
/// lock and its waiters. The driver decides when a batch is cut and how each commit ends, which is
/// where the grain awaits I/O and other calls interleave; with the pipeline, a second batch is
/// matched while the first commits. A silo death drops the instance; the next one is activated
/// from the ledger and the pool store.
/// </summary>
internal sealed partial class SimulatedAuthority
{
    /// <summary>Scaled down from <c>CharityDay__MaxPendingDonations</c> so that the simulation reaches it.</summary>
    public const int MaxPending = 64;

    /// <summary>Scaled down from the grain's 50,000 so that pruning happens between checks.</summary>
    public const int PruneAfterAccepted = 40;

    /// <summary>Scaled down from the grain's 200,000, so that replays reach the ledger lookup too.</summary>
    public const int RecentRowsCached = 16;

    public const int MaxAttempts = 3;

    /// <summary>Scaled down from the grain's 200,000 so that donors leave the working set and are loaded again all the time.</summary>
    public const int DonorsKept = 4;

    /// <summary>Scaled from the grain's 1 s to the simulation's clock, so that the mark moves every few commits and restores read a tail.</summary>
    public static readonly TimeSpan SumsEvery = TimeSpan.FromSeconds(5);

    private readonly SimulatedLedger _ledger;
    private readonly SimClock _clock;
    private readonly Action<MatchingBook> _onRebuilt;
    private readonly CampaignWritePath<DonationRequest, LedgerRow> _write;
    private readonly Queue<AdminRequest> _waitingForLock = new();
    private readonly List<Answer> _outbox = [];
    private bool _dead;

    private SimulatedAuthority(SimulatedLedger ledger, SimClock clock, Action<MatchingBook> onRebuilt, int maxBatch)
    {
        _ledger = ledger;
        _clock = clock;
        _onRebuilt = onRebuilt;
        _write = new CampaignWritePath<DonationRequest, LedgerRow>(new SimRows(),
            new WritePathLimits(MaxPending, maxBatch, MaxAttempts, RecentRowsCached, PruneAfterAccepted, DonorsKept, SumsEvery), Scenario.Shanghai, () => clock.Now);
    }

    /// <summary>
    /// <c>OnActivateAsync</c>: the pools come from the pool grains' persisted settings (which may
    /// hold a change whose PATCH never answered), the book and totals from the ledger.
    /// </summary>
    /// <param name="maxBatch">The grain's <c>MaxBatch</c>, scaled down.</param>
    /// <param name="onRebuilt">Called with every book rebuilt from the ledger, for the auditor.</param>
    public static SimulatedAuthority Activate(SimulatedLedger ledger, IReadOnlyDictionary<string, PoolRules> poolStore,
        SimClock clock, int maxBatch, Action<MatchingBook> onRebuilt)
    {
        var authority = new SimulatedAuthority(ledger, clock, onRebuilt, maxBatch);
        foreach (var project in SimCampaign.Projects)
        {
            authority._write.SetProject(project, isOpen: true);
        }
        foreach (var rules in poolStore.Values)
        {
            authority._write.SetPool(rules);
        }
        authority.RebuildFromLedger();
        return authority;
    }

    public MatchingBook Book => _write.Book;

    public bool BookStale => _write.BookStale;

    /// <summary>The batch whose ledger transaction is in flight.</summary>
    public WriteBatch<DonationRequest, LedgerRow>? Committing => _write.Committing;

    /// <summary>The batch matched on top of <see cref="Committing"/>, waiting for its outcome.</summary>
    public WriteBatch<DonationRequest, LedgerRow>? MatchedBehind => _write.Next;

    /// <summary>Nothing committing, nothing matched behind: what the write lock's other holders wait for.</summary>
    public bool Idle => _write.Idle;

    /// <summary>
    /// The flush loop can take the lock and match a batch now: something is queued, no batch is
    /// matched behind the commit in flight already, no PATCH, refund or clawback is waiting for the
    /// lock (they go first), and a stale book is not waiting for the commit in flight to end.
    /// </summary>
    public bool CanCut => !_dead && _write.PendingCount > 0 && _write.Next is null && _waitingForLock.Count == 0
        && !(_write.BookStale && _write.Committing is not null);

    /// <summary>Rows the book has matched that the ledger does not hold yet: the commit in flight and the batch behind it.</summary>
    public IEnumerable<LedgerRow> Uncommitted => (Committing?.Accepted ?? []).Concat(MatchedBehind?.Accepted ?? []);

    public int PendingCount => _write.PendingCount;

    public DonationRequest PendingAt(int index) => _write.PendingAt(index);

    public IReadOnlyDictionary<string, ProjectTotals> Totals => _write.Totals;

    public IReadOnlyDictionary<string, PoolRules> Pools => _write.Pools;

    /// <summary>Hands the answers given since the last call to the world, in the order they were given.</summary>
    public List<Answer> TakeAnswers()
    {
        CollectAnswers();
        var answers = _outbox.ToList();
        _outbox.Clear();
        return answers;
    }

    /// <summary><c>Donate</c>: queue the donations, or shed them when the queue is full.</summary>
    public void Arrive(IReadOnlyList<DonationRequest> donations)
    {
        Alive();
        if (!_write.Arrive(donations))
        {
            _outbox.AddRange(donations.Select(d => new DonationAnswer(d.CallId, DonationResult.Overloaded, null)));
        }
    }

    /// <summary>
    /// The first half of <c>MatchAndStartCommitAsync</c>: cut a batch, rebuild a stale book, look
    /// the ids up in the ledger. The grain awaits that lookup off its turn: the commit in flight may
    /// end meanwhile, which the driver plays between this and <see cref="MatchBatch"/>.
    /// </summary>
    public (WriteBatch<DonationRequest, LedgerRow> Batch, Lookup Stored) CutAndLookUp()
    {
        Alive();
        if (!CanCut)
        {
            throw new InvalidOperationException("the flush loop cannot match a batch now");
        }
        var batch = _write.Cut() ?? throw new InvalidOperationException("nothing queued");
        EnsureBookFresh();
        var stored = _write.KeysToLookUp(batch).Select(_ledger.Find).OfType<LedgerRow>().ToDictionary(r => r.Key);
        var donorLoad = _write.DonorsToLoad(batch);
        return (batch, new Lookup(stored, donorLoad, donorLoad is null ? [] : _ledger.DonorDays(donorLoad)));
    }

    /// <summary>What the ledger answered for a batch: its stored ids, and the days of the donors the book did not hold.</summary>
    public sealed record Lookup(Dictionary<DonationKey, LedgerRow> Rows, DonorLoad? DonorLoad, List<DonorDayRow> DonorDays)
    {
        public int DonorsLoaded => DonorLoad?.Donors.Count ?? 0;
    }

    /// <summary>
    /// The second half: rebuild if the commit in flight failed during the lookup, classify and
    /// match; then start the batch's commit if none is in flight, else leave it matched behind.
    /// </summary>
    public void MatchBatch(WriteBatch<DonationRequest, LedgerRow> batch, Lookup stored)
    {
        Alive();
        EnsureBookFresh();
        if (stored.DonorLoad is { } load)
        {
            _write.LoadDonors(load, stored.DonorDays);
        }
        _write.Match(batch, stored.Rows);
        if (_write.Committing is null)
        {
            StartCommit(batch);
        }
    }

    /// <summary>
    /// The ledger transaction of the batch in flight committed: totals and answers; the batch matched
    /// behind it starts its own commit; whoever waits for the lock with nothing in flight runs.
    /// </summary>
    public void CommitBatch()
    {
        var batch = _write.Committing ?? throw new InvalidOperationException("no batch in flight");
        Alive();
        _ledger.Append(batch.Accepted, _sumsThrough);
        _write.Committed(batch);
        if (_write.Next is { Stage: BatchStage.Matched } next)
        {
            StartCommit(next);
        }
        ReleaseLock();
    }

    /// <summary>
    /// The ledger transaction failed (or was refused whole on a duplicate key): nothing of it is
    /// acknowledged, the book is stale, and the batch matched behind it goes back to the queue.
    /// </summary>
    public void FailBatch(bool duplicateKey)
    {
        var batch = _write.Committing ?? throw new InvalidOperationException("no batch in flight");
        Alive();
        if (duplicateKey)
        {
            _write.CommitRefusedAsDuplicate(batch, "the donation could not be committed");
        }
        else
        {
            _write.CommitFailed(batch, "the ledger write failed; nothing was recorded");
        }
        ReleaseLock();
    }

    /// <summary>
    /// The silo dies. When <paramref name="commitLanded"/>, the transaction in flight reached the
    /// ledger just before: durable, yet nobody was told. The batch matched behind it never started
    /// its own. Either way no caller gets an answer.
    /// </summary>
    public void Die(bool commitLanded)
    {
        Alive();
        if (commitLanded && _write.Committing is { } batch)
        {
            _ledger.Append(batch.Accepted, _sumsThrough);
        }
        _dead = true;
    }

    /// <summary><c>StartCommit</c> and the sums' mark its transaction moves (<c>CommitAsync</c>'s argument).</summary>
    private void StartCommit(WriteBatch<DonationRequest, LedgerRow> batch)
    {
        if (_write.StartCommit(batch))
        {
            _sumsThrough = _write.SumsThroughFor(batch);
            SumsMoves += _sumsThrough is null ? 0 : 1;
        }
    }

    /// <summary>Commits that moved the durable sums' mark.</summary>
    public int SumsMoves { get; private set; }

    private DateTimeOffset? _sumsThrough;

    private void CollectAnswers()
    {
        foreach (var answer in _write.TakeAnswers())
        {
            var result = answer.Result switch
            {
                WriteResult.Created => DonationResult.Created,
                WriteResult.Replayed => DonationResult.Replayed,
                WriteResult.Conflict => DonationResult.Conflict,
                WriteResult.Failed => DonationResult.Failed,
                WriteResult.Overloaded => DonationResult.Overloaded,
                _ => throw new InvalidOperationException($"{answer.Result} for {answer.Request}: the simulation posts only to open projects"),
            };
            _outbox.Add(new DonationAnswer(answer.Request.CallId, result, answer.Row));
        }
    }

    private void Alive()
    {
        if (_dead)
        {
            throw new InvalidOperationException("this activation died; the world must activate a new one");
        }
    }
}

/// <summary>The simulation's request and row, as the production write path sees them.</summary>
internal sealed class SimRows : IDonationRows<DonationRequest, LedgerRow>
{
    public DonationKey KeyOf(DonationRequest request) => request.Key;

    public DonorKey DonorOf(DonationRequest request) => new(request.Key.PartnerId, request.DonorId);

    public string ProjectOf(DonationRequest request) => request.ProjectId;

    public bool SamePayload(LedgerRow stored, DonationRequest request) => request.SamePayload(stored);

    public DonationFacts Facts(DonationRequest request, DateTimeOffset acceptedAt) =>
        new(request.Key, request.DonorId, request.ProjectId, request.AmountFen, acceptedAt);

    public LedgerRow Row(DonationRequest request, DonationFacts facts, DateOnly localDay, IReadOnlyList<PoolMatch> matches) =>
        new(request.Key, request.DonorId, request.ProjectId, request.AmountFen, facts.AcceptedAt, localDay,
            false, [.. matches.Select(m => new LedgerMatchRow(m.PoolId, m.AmountFen, m.RatioBps))]);

    public RowFigures Figures(LedgerRow row) =>
        new(row.Key, row.ProjectId, row.AmountFen, [.. row.Matches.Where(m => m.IsLive).Select(row.ToRecord)], row.AcceptedAt);
}
