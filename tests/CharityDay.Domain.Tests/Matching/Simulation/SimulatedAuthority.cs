using CharityDay.Domain.Matching;

namespace CharityDay.Domain.Tests.Matching.Simulation;

/// <summary>
/// <c>CampaignGrain</c>'s write path at the domain level, one instance per activation: the
/// in-memory <see cref="MatchingBook"/>, the queue of donations waiting for a group commit, the
/// batch in flight and the write lock it holds. The driver decides when a batch is cut and how
/// its commit ends, which is where the grain awaits I/O and other calls interleave. A silo
/// death drops the instance; the next one is activated from the ledger and the pool store.
/// </summary>
internal sealed partial class SimulatedAuthority
{
    /// <summary>Scaled down from <c>CampaignLimits.MaxPending</c> so that the simulation reaches it.</summary>
    public const int MaxPending = 64;

    /// <summary>Scaled down from the grain's 50,000 so that pruning happens between checks.</summary>
    public const int PruneAfterAccepted = 40;

    private readonly SimulatedLedger _ledger;
    private readonly SimClock _clock;
    private readonly Action<MatchingBook> _onRebuilt;
    private readonly Dictionary<string, PoolRules> _pools = new(StringComparer.Ordinal);
    private readonly List<DonationRequest> _pending = [];
    private readonly Queue<AdminRequest> _waitingForLock = new();
    private readonly List<Answer> _outbox = [];
    private Dictionary<string, ProjectTotals> _totals = new(StringComparer.Ordinal);
    private MatchingBook _book = new(Scenario.Shanghai);
    private InFlightBatch? _inFlight;
    private bool _bookStale;
    private bool _dead;
    private int _acceptedSincePrune;

    private SimulatedAuthority(SimulatedLedger ledger, SimClock clock, Action<MatchingBook> onRebuilt)
    {
        _ledger = ledger;
        _clock = clock;
        _onRebuilt = onRebuilt;
    }

    /// <summary>
    /// <c>OnActivateAsync</c>: the pools come from the pool grains' persisted settings (which may
    /// hold a change whose PATCH never answered), the book and totals from the ledger.
    /// </summary>
    /// <param name="onRebuilt">Called with every book rebuilt from the ledger, for the auditor.</param>
    public static SimulatedAuthority Activate(SimulatedLedger ledger, IReadOnlyDictionary<string, PoolRules> poolStore,
        SimClock clock, Action<MatchingBook> onRebuilt)
    {
        var authority = new SimulatedAuthority(ledger, clock, onRebuilt);
        foreach (var rules in poolStore.Values)
        {
            authority._pools[rules.PoolId] = rules;
        }
        authority.RebuildFromLedger();
        return authority;
    }

    public MatchingBook Book => _book;

    public bool BookStale => _bookStale;

    /// <summary>The write lock is held from the moment a batch is matched until its commit ends.</summary>
    public InFlightBatch? InFlight => _inFlight;

    public int PendingCount => _pending.Count;

    public IReadOnlyList<DonationRequest> Pending => _pending;

    public IReadOnlyDictionary<string, ProjectTotals> Totals => _totals;

    public IReadOnlyDictionary<string, PoolRules> Pools => _pools;

    /// <summary>Hands the answers given since the last call to the world, in the order they were given.</summary>
    public List<Answer> TakeAnswers()
    {
        var answers = _outbox.ToList();
        _outbox.Clear();
        return answers;
    }

    /// <summary><c>Donate</c>: queue the donation, or shed it when the queue is full.</summary>
    public void Arrive(IReadOnlyList<DonationRequest> donations)
    {
        Alive();
        if (_pending.Count + donations.Count > MaxPending)
        {
            _outbox.AddRange(donations.Select(d => new DonationAnswer(d.CallId, DonationResult.Overloaded, null)));
            return;
        }
        _pending.AddRange(donations);
    }

    /// <summary>
    /// The first half of <c>CommitBatchAsync</c>: take up to <paramref name="maxSize"/> queued
    /// donations, rebuild first if the book is stale, answer replays and conflicts, and match the
    /// rest in arrival order. The matched ones stay in flight, holding the lock, until the commit ends.
    /// </summary>
    /// <returns>The donations the book matched, in order; empty when the batch created nothing.</returns>
    public IReadOnlyList<LedgerRow> CutBatch(int maxSize)
    {
        Alive();
        if (_inFlight is not null)
        {
            throw new InvalidOperationException("a batch is already in flight: the flush loop waits for the lock");
        }
        EnsureBookFresh();
        var take = Math.Min(_pending.Count, maxSize);
        var batch = _pending.GetRange(0, take);
        _pending.RemoveRange(0, take);

        var accepted = new List<LedgerRow>();
        var inBatch = new Dictionary<DonationKey, LedgerRow>();
        var waitingForCommit = new List<(DonationRequest Request, LedgerRow Donation, bool Created)>();
        foreach (var request in batch)
        {
            if (inBatch.TryGetValue(request.Key, out var sibling))
            {
                if (request.SamePayload(sibling))
                {
                    waitingForCommit.Add((request, sibling, false));
                }
                else
                {
                    _outbox.Add(new DonationAnswer(request.CallId, DonationResult.Conflict, null));
                }
                continue;
            }
            if (_ledger.Find(request.Key) is { } prior)
            {
                _outbox.Add(request.SamePayload(prior)
                    ? new DonationAnswer(request.CallId, DonationResult.Replayed, prior)
                    : new DonationAnswer(request.CallId, DonationResult.Conflict, null));
                continue;
            }
            var donation = Match(request);
            accepted.Add(donation);
            inBatch[request.Key] = donation;
            waitingForCommit.Add((request, donation, true));
        }
        if (accepted.Count > 0)
        {
            _inFlight = new InFlightBatch(accepted, waitingForCommit);
        }
        return accepted;
    }

    /// <summary>The ledger transaction committed: update the totals, answer every caller, release the lock.</summary>
    public void CommitBatch()
    {
        var batch = TakeInFlight();
        _ledger.Append(batch.Accepted);
        foreach (var donation in batch.Accepted)
        {
            var totals = TotalsOf(donation.ProjectId);
            totals.AddDonation(donation.Key.PartnerId, donation.AmountFen);
            totals.AddMatched(donation.Matches.Sum(m => m.AmountFen));
        }
        foreach (var (request, donation, created) in batch.WaitingForCommit)
        {
            _outbox.Add(new DonationAnswer(request.CallId, created ? DonationResult.Created : DonationResult.Replayed, donation));
        }
        _acceptedSincePrune += batch.Accepted.Count;
        if (_acceptedSincePrune > PruneAfterAccepted)
        {
            _book.Prune(_clock.Now);
            _acceptedSincePrune = 0;
        }
        ReleaseLock();
    }

    /// <summary>
    /// The ledger transaction failed: nothing of the batch is acknowledged, and the book — which
    /// holds the batch's matches — is stale until the next write or read rebuilds it.
    /// </summary>
    public void FailBatch()
    {
        var batch = TakeInFlight();
        _bookStale = true;
        _outbox.AddRange(batch.WaitingForCommit.Select(w => new DonationAnswer(w.Request.CallId, DonationResult.Failed, null)));
        ReleaseLock();
    }

    /// <summary>
    /// The silo dies. When <paramref name="commitLanded"/>, the batch's transaction reached the
    /// ledger just before: durable, yet nobody was told. Either way no caller gets an answer.
    /// </summary>
    public void Die(bool commitLanded)
    {
        Alive();
        if (commitLanded && _inFlight is { } batch)
        {
            _ledger.Append(batch.Accepted);
        }
        _dead = true;
    }

    private LedgerRow Match(DonationRequest request)
    {
        var acceptedAt = _clock.Now;
        var facts = new DonationFacts(request.Key, request.DonorId, request.ProjectId, request.AmountFen, acceptedAt);
        var matches = _book.Accept(facts);
        return new LedgerRow(request.Key, request.DonorId, request.ProjectId, request.AmountFen, acceptedAt, _book.LocalDay(acceptedAt),
            false, [.. matches.Select(m => new LedgerMatchRow(m.PoolId, m.AmountFen, m.RatioBps))]);
    }

    private InFlightBatch TakeInFlight()
    {
        Alive();
        var batch = _inFlight ?? throw new InvalidOperationException("no batch in flight");
        _inFlight = null;
        return batch;
    }

    private ProjectTotals TotalsOf(string projectId)
    {
        if (!_totals.TryGetValue(projectId, out var totals))
        {
            _totals[projectId] = totals = new ProjectTotals();
        }
        return totals;
    }

    private void Alive()
    {
        if (_dead)
        {
            throw new InvalidOperationException("this activation died; the world must activate a new one");
        }
    }
}

/// <summary>A matched batch whose ledger transaction has not ended; it holds the write lock.</summary>
internal sealed record InFlightBatch(
    IReadOnlyList<LedgerRow> Accepted,
    IReadOnlyList<(DonationRequest Request, LedgerRow Donation, bool Created)> WaitingForCommit);
