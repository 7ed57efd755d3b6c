using CharityDay.Rehearsal.Run;
using CharityDay.Rehearsal.Scenario;

namespace CharityDay.Rehearsal.Verdict;

/// <summary>Turns the run's answers into the facts the verdict checks.</summary>
public static class InputBuilder
{
    public static VerdictInput From(RunLog log)
    {
        var plan = log.Plan;
        var acked = new List<DonationFact>();
        var refunds = new List<RefundFact>();
        var replays = new List<ReplayFact>();
        var bad = new List<BadFact>();
        var absent = new List<(string, string)>();
        long unknown = 0;
        foreach (var e in plan.Events)
        {
            var r = log.Results[e.Index];
            var partnerId = Population.Partners[e.Partner].PartnerId;
            if (r.Outcome == Outcome.Unknown || (r.Outcome == Outcome.Accepted && r.Answer is null))
            {
                unknown++;
                continue;
            }

            switch (e.Kind)
            {
                case EventKind.Donate when r.Outcome == Outcome.Accepted && r.Answer is { } a:
                    var fact = r.ResolvedByLookup ? DonationFact.From(a, e.Bot) : DonationFact.From(a, e.Bot, r.FirstSendMicros, r.DoneMicros);
                    acked.Add(fact);
                    if (r.LostAnswer is { } lost && !r.ResolvedByLookup)
                    {
                        replays.Add(new ReplayFact("retry after a gateway timeout", DonationFact.From(lost), fact, a.Replayed));
                    }

                    break;
                case EventKind.Redeliver when r.Outcome == Outcome.Accepted && r.Answer is { } a && !r.ResolvedByLookup
                                              && log.Results[e.RefersTo].Answer is { } original:
                    replays.Add(new ReplayFact("redelivery of an answered donation", DonationFact.From(original), DonationFact.From(a), a.Replayed));
                    break;
                case EventKind.Refund when r.Outcome == Outcome.Accepted && r.Answer is { } a:
                    RefundAgain? again = r.SecondStatus == 0 ? null : new RefundAgain(r.SecondStatus, r.SecondAnswer?.Status, r.SecondAnswer?.RefundedAt);
                    refunds.Add(new RefundFact(partnerId, e.DonationId, a.Status, a.RefundedAt, again));
                    break;
                case EventKind.Bad when r.Outcome is Outcome.Accepted or Outcome.Refused:
                    bad.Add(new BadFact(e.Bad, PlannedEvent.ExpectedStatus(e.Bad), r.Status, r.ProblemJson, r.Outcome == Outcome.Accepted));
                    if (e.MustLeaveNoTrace)
                    {
                        absent.Add((partnerId, e.DonationId));
                    }

                    break;
                case EventKind.Donate when r.Outcome == Outcome.Refused && r.Status != 404:
                    // Refused and never created (e.g. shed with 429): it must not exist either.
                    absent.Add((partnerId, e.DonationId));
                    break;
            }
        }

        var pools = plan.Pools.Select(p => PoolFactOf(p, log)).ToList();
        var parents = plan.Population.Projects.ToDictionary(p => p.ProjectId, p => p.ParentProjectId, StringComparer.Ordinal);
        return new VerdictInput(acked, refunds, replays, bad, absent, pools, parents, unknown);
    }

    private static PoolFact PoolFactOf(PoolPlan pool, RunLog log)
    {
        var mine = log.Manager.Where(m => m.Action.PoolKey == pool.Key && m.Status != 0).ToList();
        var budget = mine.Where(m => m.Action.Kind == ManagerActionKind.TopUp).Select(m => (m.SentUtc, m.Action.AmountFen)).ToList();

        // Paused from the moment a pause was acknowledged (or from the start) until a resume was sent.
        var windows = new List<(long, long)>();
        long? pausedSince = pool.StartsPaused ? 0 : null;
        long matchingSince = 0;
        foreach (var m in mine)
        {
            if (m.Action.Kind == ManagerActionKind.Pause)
            {
                pausedSince ??= m.AnsweredMicros;
            }
            else if (m.Action.Kind is ManagerActionKind.Resume or ManagerActionKind.OpenTranche && pausedSince is { } since)
            {
                windows.Add((since, m.SentMicros));
                pausedSince = null;
                matchingSince = m.AnsweredMicros;
            }
        }

        if (pausedSince is { } open)
        {
            windows.Add((open, long.MaxValue));
            matchingSince = long.MaxValue;
        }

        var clawbacks = mine.Where(m => m.Action.Kind == ManagerActionKind.Clawback)
            .SelectMany(m => m.ReturnedByDonor.Select(d => new ClawbackFact(d.Key, m.SentUtc, d.Value)))
            .ToList();
        return new PoolFact(pool.PoolId(log.Target.CampaignId), pool, budget, windows, clawbacks, matchingSince);
    }
}
