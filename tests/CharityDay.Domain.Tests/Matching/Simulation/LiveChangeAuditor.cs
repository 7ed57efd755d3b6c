using CharityDay.Domain.Matching;

namespace CharityDay.Domain.Tests.Matching.Simulation;

/// <summary>
/// Invariant 4, checked on its own terms rather than through the model: the rules in effect
/// change only when a PATCH is acknowledged, or when an activation adopts the pool grains'
/// persisted settings; every donation committed afterwards was matched under them — no match
/// from a paused pool, and the ratio the rules in effect give.
/// </summary>
internal sealed class LiveChangeAuditor
{
    private readonly Dictionary<string, (PoolRules Rules, int Since, string How)> _inEffect = new(StringComparer.Ordinal);

    public LiveChangeAuditor(IEnumerable<PoolRules> initial)
    {
        foreach (var rules in initial)
        {
            _inEffect[rules.PoolId] = (rules, 0, "initial rules");
        }
    }

    public void TakesEffect(PoolRules rules, int step, string how)
    {
        // An activation adopts every pool; one whose rules did not change keeps its history.
        if (!ReferenceEquals(_inEffect.GetValueOrDefault(rules.PoolId).Rules, rules))
        {
            _inEffect[rules.PoolId] = (rules, step, how);
        }
    }

    public void Committed(IEnumerable<LedgerRow> donations, int step)
    {
        foreach (var donation in donations)
        {
            foreach (var match in donation.Matches)
            {
                var (rules, since, how) = _inEffect[match.PoolId];
                if (rules.Paused)
                {
                    throw SimulationCheckException.Of(
                        $"step {step} committed {donation}, but pool {match.PoolId} was paused at step {since} ({how})", "no match from it", match);
                }
                var ratioBps = rules.RandomRatioBps is { } range
                    ? RandomRatio.Draw(range, rules.Seed, rules.PoolId, donation.Key.PartnerId, donation.Key.DonationId)
                    : rules.RatioBps ?? 0;
                var wantFen = Math.Min(Money.ApplyRatio(donation.AmountFen, ratioBps), rules.PerDonationCapFen ?? long.MaxValue);
                if (match.RatioBps != ratioBps || match.AmountFen <= 0 || match.AmountFen > wantFen)
                {
                    throw SimulationCheckException.Of(
                        $"step {step} committed {donation} under pool {match.PoolId}'s rules of step {since} ({how})",
                        $"ratio {ratioBps}, 0 < match <= {wantFen}", $"ratio {match.RatioBps}, match {match.AmountFen}");
                }
            }
        }
    }
}
