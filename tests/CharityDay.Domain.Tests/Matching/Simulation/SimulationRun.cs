using CharityDay.Domain.Matching;
using CharityDay.Domain.Writing;
using CharityDay.Domain.Tests.Matching.Model;
using System.Globalization;
using Xunit;

namespace CharityDay.Domain.Tests.Matching.Simulation;

/// <summary>
/// One seeded run: the world around the authority — clock, ledger, pool grains' store, the
/// callers waiting for answers — and the reference model, which is told of exactly the work
/// the ledger holds, in commit order. Every step is checked; a failure reports the seed, the
/// mix, the pools and the steps with their answers.
/// </summary>
internal sealed partial class SimulationRun
{
    /// <summary>A failure prints this many of the last steps; the seed replays all of them.</summary>
    private const int StepsShownOnFailure = 400;

    /// <summary>The drain after the last step must reach quiescence within this many steps.</summary>
    private const int MaxDrainSteps = 20_000;

    private readonly int _seed;
    private readonly SimMix _mix;
    private readonly IReadOnlyList<PoolRules> _initialPools;
    private readonly Workload _workload;
    private readonly ReferenceModel _model = new();
    private readonly Dictionary<string, PoolRules> _poolStore = new(StringComparer.Ordinal);
    private readonly Dictionary<int, object> _waiting = [];
    private readonly HashSet<DonationKey> _created = [];
    private readonly List<(int Step, object Entry)> _trace = [];
    private readonly Auditor _auditor;
    private readonly LiveChangeAuditor _liveChanges;
    private int _step;

    /// <summary>
    /// The batches the book has matched and the ledger does not hold yet, oldest first (one
    /// committing, one matched behind it): where each begins in the model, and for a batch matched
    /// behind a commit, the book's sums just before it was matched — the committed book once that
    /// commit lands.
    /// </summary>
    private readonly List<Uncommitted> _uncommitted = [];

    private SimulationRun(int seed)
    {
        _seed = seed;
        var random = new Random(seed);
        _mix = SimMix.From(random);
        _initialPools = [.. SimCampaign.PoolIds.Select(id => SimCampaign.Pool(random, id))];
        _workload = new Workload(random, _mix);
        Clock = new SimClock(SimCampaign.Start);
        Ledger = new SimulatedLedger(seed);
        foreach (var pool in _initialPools)
        {
            _poolStore[pool.PoolId] = pool;
            _model.SetPool(pool);
        }
        _auditor = new Auditor(_model, Ledger, Clock);
        _liveChanges = new LiveChangeAuditor(_initialPools);
        Authority = SimulatedAuthority.Activate(Ledger, _poolStore, Clock, _mix.MaxBatch, _auditor.OnRebuilt);
        // A waiter that runs as a commit ends (a PATCH adding a per-minute limit, then a refund) may
        // rebuild the book: the auditor must know the committed book as it is then.
        Authority.BeforeLockHolder = _auditor.RememberCommittedBook;
    }

    public SimClock Clock { get; }

    public SimulatedLedger Ledger { get; }

    public SimulatedAuthority Authority { get; private set; }

    /// <summary>Requests whose caller was never told "done" and will try again.</summary>
    public List<DonationRequest> Retryable { get; } = [];

    /// <summary>How often this run reached the pipeline's cases; a test requires the fixed seeds to reach each.</summary>
    public PipelineCoverage Coverage { get; } = new();

    private int _sumsMovesOfDeadActivations;
    private int _restoresOfDeadActivations;

    public static PipelineCoverage Play(int seed, int steps)
    {
        var run = new SimulationRun(seed);
        try
        {
            for (var i = 0; i < steps; i++)
            {
                run.Execute(run._workload.Next(run));
            }
            run.DrainToQuiescence();
        }
        catch (Exception e)
        {
            Assert.Fail(run.Report(e, steps));
        }
        run.Coverage.SumsMoves += run.Authority.SumsMoves + run._sumsMovesOfDeadActivations;
        run.Coverage.RestoresWithTail += run.Authority.RestoresWithTail + run._restoresOfDeadActivations;
        return run.Coverage;
    }

    private (int Donations, int Matches) CommittedInModel =>
        _uncommitted.Count > 0 ? (_uncommitted[0].Donations, _uncommitted[0].Matches) : (_model.Donations.Count, _model.Matches.Count);

    private void Execute(Step step)
    {
        _step++;
        _trace.Add((_step, step));
        switch (step)
        {
            case ArriveStep arrive:
                foreach (var donation in arrive.Donations)
                {
                    _waiting.Add(donation.CallId, donation);
                }
                Authority.Arrive(arrive.Donations);
                break;
            case CutStep cut:
                Cut(cut.DuringLookup);
                break;
            case CommitStep:
                Commit();
                break;
            case FailCommitStep fail:
                Coverage.SentBack += Authority.MatchedBehind is null ? 0 : 1;
                Coverage.DuplicateKeyRefusals += fail.DuplicateKey ? 1 : 0;
                Authority.FailBatch(fail.DuplicateKey);
                ForgetUncommitted();
                break;
            case SiloDeathStep death:
                SiloDies(death.CommitLanded);
                break;
            case PatchStep patch:
                // The pool grain persists the merged settings, then asks the campaign to apply them.
                var rules = SimCampaign.Patch(_poolStore[patch.PoolId], patch.Kind, patch.Value);
                _poolStore[patch.PoolId] = rules;
                Request(new PoolChangeRequest(patch.CallId, rules));
                break;
            case RefundStep refund:
                Request(new RefundRequest(refund.CallId, refund.Key, refund.WriteFails));
                break;
            case ClawbackStep clawback:
                Request(new ClawbackRequest(clawback.CallId, clawback.PoolId, clawback.DonorId, clawback.WriteFails));
                break;
            case AdvanceStep advance:
                Clock.Advance(TimeSpan.FromMilliseconds(advance.Ms));
                break;
            case BoundaryStep boundary:
                Clock.MoveTo(NextBoundary(boundary.JustBefore));
                break;
            case ReadStep:
                Authority.Read();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(step), step, null);
        }
        foreach (var answer in Authority.TakeAnswers())
        {
            _trace.Add((_step, answer));
            Handle(answer);
        }
        _auditor.AfterStep(Authority, CommittedInModel);
        if (Authority.Idle && !Authority.BookStale)
        {
            // A refund or clawback changed the committed work; a pool change may then mark the book stale
            // (a per-minute limit appears) and its rebuild must give back the book as it is now.
            _auditor.RememberCommittedBook(Authority.Book);
        }
    }

    private void Request(AdminRequest request)
    {
        _waiting.Add(request.CallId, request);
        Authority.Request(request);
    }

    private void DecideInModel(LedgerRow donation)
    {
        var facts = new DonationFacts(donation.Key, donation.DonorId, donation.ProjectId, donation.AmountFen, donation.AcceptedAt);
        var expected = _model.Accept(facts).Where(d => d.MatchFen > 0).Select(d => (d.PoolId, d.MatchFen, d.RatioBps)).ToList();
        var actual = donation.Matches.Select(m => (m.PoolId, m.AmountFen, m.RatioBps)).ToList();
        if (!expected.SequenceEqual(actual))
        {
            throw SimulationCheckException.Of($"matches of {donation}", string.Join(", ", expected), string.Join(", ", actual));
        }
        // "Today" is the day of the acceptance time on the server clock (SPEC §3), stamped when matched —
        // never before a stored acceptance: an activation restored in the millisecond of the ledger's
        // latest one stamps the next millisecond (the rows after the sums' mark are read by time).
        var latestStored = Ledger.Count == 0 ? DateTimeOffset.MinValue : Ledger.Rows.Max(r => r.AcceptedAt).AddMilliseconds(1);
        if (donation.AcceptedAt < Clock.Now || donation.AcceptedAt > (latestStored > Clock.Now ? latestStored : Clock.Now))
        {
            throw SimulationCheckException.Of($"acceptance time of {donation}", Clock.Now, donation.AcceptedAt);
        }
        if (donation.LocalDay != ReferenceModel.DayOf(donation.AcceptedAt))
        {
            throw SimulationCheckException.Of($"local day of {donation}", ReferenceModel.DayOf(donation.AcceptedAt), donation.LocalDay);
        }
    }

    private void SiloDies(bool commitLanded)
    {
        var batch = Authority.Committing;
        var landed = commitLanded && batch is not null;
        if (Authority.MatchedBehind is not null)
        {
            Coverage.DeathsWithBatchBehind[landed ? 1 : 0]++;
        }
        if (landed && _uncommitted.Count > 1 && _uncommitted[1].BookBefore is { } committedBook)
        {
            _auditor.RememberCommittedBook(committedBook);
        }
        else if (landed || (Authority.Idle && !Authority.BookStale))
        {
            _auditor.RememberCommittedBook(Authority.Book);
        }
        Authority.Die(landed);
        if (batch is not null && landed)
        {
            BatchCommitted(batch);
        }
        ForgetUncommitted();
        // Nobody waiting gets an answer: to them the connection dropped. Donors' clients retry.
        foreach (var (callId, request) in _waiting.OrderBy(w => w.Key))
        {
            _trace.Add((_step, $"#{callId} lost with the silo"));
            if (request is DonationRequest donation)
            {
                Retryable.Add(donation);
            }
        }
        _waiting.Clear();
        // The new activation reads each pool from its grain: a change persisted by a PATCH that
        // never answered governs from now on.
        foreach (var rules in _poolStore.Values)
        {
            _model.SetPool(rules);
            _liveChanges.TakesEffect(rules, _step, "adopted from the pool store by the new activation");
        }
        _sumsMovesOfDeadActivations += Authority.SumsMoves;
        _restoresOfDeadActivations += Authority.RestoresWithTail;
        Authority = SimulatedAuthority.Activate(Ledger, _poolStore, Clock, _mix.MaxBatch, _auditor.OnRebuilt);
        // A waiter that runs as a commit ends (a PATCH adding a per-minute limit, then a refund) may
        // rebuild the book: the auditor must know the committed book as it is then.
        Authority.BeforeLockHolder = _auditor.RememberCommittedBook;
    }

    /// <summary>The next instant where a rule in effect flips: local midnight, a daily opening, a window's edge.</summary>
    private DateTimeOffset NextBoundary(bool justBefore)
    {
        var now = Clock.Now;
        var midnight = new DateTimeOffset(now.ToOffset(ReferenceModel.LocalOffset).Date, ReferenceModel.LocalOffset);
        var candidates = new List<DateTimeOffset> { midnight.AddDays(1), midnight.AddDays(2) };
        foreach (var pool in Authority.Pools.Values)
        {
            candidates.AddRange(new[] { pool.StartsAt, pool.EndsAt }.OfType<DateTimeOffset>());
            if (pool.DailyOpensAt is { } opens)
            {
                candidates.Add(midnight + opens.ToTimeSpan());
                candidates.Add(midnight.AddDays(1) + opens.ToTimeSpan());
            }
        }
        return candidates.Select(c => justBefore ? c.AddMilliseconds(-1) : c).Where(c => c > now).Min();
    }

    /// <summary>No more failures: every batch commits and every unanswered caller retries until all are answered.</summary>
    private void DrainToQuiescence()
    {
        for (var i = 0; i < MaxDrainSteps && (!Authority.Idle || Authority.PendingCount > 0 || Retryable.Count > 0); i++)
        {
            Execute(_workload.Drain(this));
        }
        if (!Authority.Idle || Authority.PendingCount > 0 || Retryable.Count > 0 || _waiting.Count > 0)
        {
            throw SimulationCheckException.Of($"after {MaxDrainSteps} drain steps", "every caller answered",
                $"{_waiting.Count} waiting, {Retryable.Count} to retry, {Authority.PendingCount} queued");
        }
        _auditor.AtQuiescence(Authority);
    }

    private string Report(Exception e, int steps)
    {
        var lines = new List<string>
        {
            $"Simulation seed {_seed} failed at step {_step} (clock {Clock.Now:O}): {e.Message}",
            $"Reproduce with SimulationRun.Play(seed: {_seed}, steps: {steps}).",
            $"mix: {_mix}",
        };
        lines.AddRange(_initialPools.Select(SimCampaign.Describe));
        var shownFrom = Math.Max(1, _step - StepsShownOnFailure + 1);
        if (shownFrom > 1)
        {
            lines.Add($"(steps 1..{shownFrom - 1} omitted; the seed replays them)");
        }
        lines.AddRange(_trace.Where(t => t.Step >= shownFrom)
            .Select(t => t.Entry is Step ? $"{t.Step.ToString(CultureInfo.InvariantCulture)}. {t.Entry}" : $"      -> {t.Entry}"));
        if (e is not SimulationCheckException)
        {
            lines.Add(e.ToString());
        }
        return string.Join(Environment.NewLine, lines);
    }
}
