using CharityDay.Domain.Tests.Matching.Model;

namespace CharityDay.Domain.Tests.Matching.Simulation;

/// <summary>How one run leans: drawn from its seed, so that some runs fail commits often, some never, and so on.</summary>
/// <param name="MaxBatch">The flush loop takes every queued donation up to this many (the grain's <c>MaxBatch</c>, scaled down).</param>
internal sealed record SimMix(int MaxBatch, int CommitFailWeight, int DeathWeight, int PatchWeight)
{
    public static SimMix From(Random random) => new(
        MaxBatch: new[] { 8, 24, 64 }[random.Next(3)],
        CommitFailWeight: new[] { 0, 1, 3 }[random.Next(3)],
        DeathWeight: new[] { 0, 1, 2 }[random.Next(3)],
        PatchWeight: new[] { 2, 5, 10 }[random.Next(3)]);
}

/// <summary>
/// The seeded driver: the partners' clients, the managers and the environment (clock, disk,
/// process deaths) in one random stream. It reads the world to choose only steps that can
/// happen — a commit ends only while a batch is in flight — and never decides an outcome
/// the authority owns.
/// </summary>
internal sealed class Workload(Random random, SimMix mix)
{
    private static readonly (PoolChange Kind, int Weight)[] Patches =
    [
        (PoolChange.Pause, 6), (PoolChange.Resume, 18), (PoolChange.BudgetDelta, 25), (PoolChange.Ratio, 10),
        (PoolChange.DailyBudget, 8), (PoolChange.PerDonorDailyCap, 6), (PoolChange.PerProjectCap, 6),
        (PoolChange.PerDonorDailyCount, 3), (PoolChange.PerDonorMinuteCount, 2),
    ];

    private int _nextCall;
    private int _nextDonation;

    public Step Next(SimulationRun world)
    {
        var authority = world.Authority;
        var committing = authority.Committing is not null;
        var running = world.Clock.Now < SimCampaign.Ends;
        var choices = new List<(int Weight, Func<Step> Make)>
        {
            (30, () => NewDonations()),
            (world.Retryable.Count > 0 ? 8 : 0, () => Retry(world)),
            (authority.PendingCount > 0 ? 1 : 0, () => ConcurrentRetry(authority)),
            (committing ? 1 : 0, () => RetryOfCommitting(authority)),
            (world.Ledger.Count > 0 ? 1 : 0, () => ConflictingRetry(world.Ledger)),
            (authority.CanCut ? 20 : 0, () => new CutStep(!committing ? CommitEnd.None : random.Next(10) switch
            {
                0 => CommitEnd.Commits,
                1 when mix.CommitFailWeight > 0 => CommitEnd.Fails,
                _ => CommitEnd.None,
            })),
            (committing ? 20 : 0, () => new CommitStep()),
            (committing ? mix.CommitFailWeight : 0, () => new FailCommitStep(DuplicateKey: random.Next(4) == 0)),
            (mix.DeathWeight, () => new SiloDeathStep(CommitLanded: committing && random.Next(2) == 0)),
            (mix.PatchWeight, () => Patch()),
            (3, () => Refund(world.Ledger)),
            // A clawback flags a donor id for good, so it is rare: a few per run.
            (random.Next(4) == 0 ? 1 : 0, () => new ClawbackStep(++_nextCall, PoolId(), SimCampaign.Donor(random.Next(SimCampaign.DonorsPerPartner)), random.Next(10) == 0)),
            // Mostly a burst, now and then a quiet spell or a jump to where a rule flips: a run of
            // about 1,500 steps spans the giving day's three local days, with donations at every hour.
            (8, () => new AdvanceStep(random.Next(5) == 0 ? random.NextInt64(5_000, 120_001) : random.NextInt64(0, 5_001))),
            (running ? 2 : 0, () => new AdvanceStep(random.NextInt64(5 * 60_000, 90 * 60_000))),
            (running && random.Next(4) == 0 ? 1 : 0, () => new BoundaryStep(JustBefore: random.Next(2) == 0)),
            (1, () => new ReadStep()),
        };
        return Weighted(choices)();
    }

    /// <summary>Callers that were never told "done" — their silo died, their batch failed, the queue was full — try again.</summary>
    public Step Drain(SimulationRun world) =>
        world.Authority.Committing is not null ? new CommitStep()
        : world.Authority.CanCut ? new CutStep()
        : RetryAll(world);

    private ArriveStep NewDonations()
    {
        var donations = Enumerable.Range(0, random.Next(1, 4)).Select(_ =>
        {
            var partner = SimCampaign.Partners[random.Next(SimCampaign.Partners.Length)];
            var project = random.Next(10) < 4 ? SimCampaign.HotProject : SimCampaign.Project(random.Next(1, SimCampaign.ProjectCount));
            return new DonationRequest(++_nextCall, new DonationKey(partner, $"n{++_nextDonation}"),
                SimCampaign.Donor(random.Next(SimCampaign.DonorsPerPartner)), project, SimCampaign.AmountFen(random));
        }).ToList();
        return new ArriveStep(donations, "new");
    }

    private ArriveStep Retry(SimulationRun world)
    {
        var index = random.Next(world.Retryable.Count);
        var original = world.Retryable[index];
        world.Retryable.RemoveAt(index);
        return new ArriveStep([original with { CallId = ++_nextCall }], "retry of an unanswered call");
    }

    private ArriveStep RetryAll(SimulationRun world)
    {
        var retries = world.Retryable.Take(SimulatedAuthority.MaxPending).Select(r => r with { CallId = ++_nextCall }).ToList();
        world.Retryable.RemoveRange(0, retries.Count);
        return new ArriveStep(retries, "retries of unanswered calls");
    }

    /// <summary>A client that timed out retries while its first attempt is still queued.</summary>
    private ArriveStep ConcurrentRetry(SimulatedAuthority authority)
    {
        var original = authority.PendingAt(random.Next(authority.PendingCount));
        return new ArriveStep([original with { CallId = ++_nextCall }], "retry of a queued call");
    }

    /// <summary>A client that timed out retries while its first attempt is being committed: decided after that commit.</summary>
    private ArriveStep RetryOfCommitting(SimulatedAuthority authority)
    {
        var committing = authority.Committing!.WaitingRequests.ToList();
        var original = committing[random.Next(committing.Count)];
        return new ArriveStep([original with { CallId = ++_nextCall }], "retry of a call being committed");
    }

    /// <summary>A committed id reused with another amount: must be refused and change nothing.</summary>
    private ArriveStep ConflictingRetry(SimulatedLedger ledger)
    {
        var row = ledger.RowAt(random.Next(ledger.Count));
        return new ArriveStep([new DonationRequest(++_nextCall, row.Key, row.DonorId, row.ProjectId, row.AmountFen + 1)], "conflicting retry");
    }

    private PatchStep Patch()
    {
        var kind = Weighted(Patches.Select(p => (p.Weight, p.Kind)).ToList());
        var value = kind == PoolChange.BudgetDelta ? random.NextInt64(-300_000, 500_001) : random.NextInt64(-400_000, 400_001);
        return new PatchStep(++_nextCall, PoolId(), kind, value);
    }

    private RefundStep Refund(SimulatedLedger ledger)
    {
        var key = ledger.Count > 0 && random.Next(5) > 0
            ? ledger.RowAt(random.Next(ledger.Count)).Key
            : new DonationKey(SimCampaign.Partners[0], $"n{random.Next(1, _nextDonation + 2)}");
        return new RefundStep(++_nextCall, key, WriteFails: random.Next(10) == 0);
    }

    private T Weighted<T>(IReadOnlyList<(int Weight, T Item)> choices)
    {
        var pick = random.Next(choices.Sum(c => c.Weight));
        foreach (var (weight, item) in choices)
        {
            if (pick < weight)
            {
                return item;
            }
            pick -= weight;
        }
        throw new InvalidOperationException("a weight changed while choosing");
    }

    private string PoolId() => SimCampaign.PoolIds[random.Next(SimCampaign.PoolIds.Length)];
}
