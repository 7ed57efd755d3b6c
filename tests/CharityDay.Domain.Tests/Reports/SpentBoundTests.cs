using CharityDay.Domain.Reports;
using CsCheck;
using Xunit;

namespace CharityDay.Domain.Tests.Reports;

/// <summary>
/// SPEC §6: a project's spent never leaves [0, raised + matched]. Random sequences of donations (with a
/// match), refunds, reports and corrections are decided by <see cref="SpentBound"/> as the campaign
/// writer decides them, against a model that keeps the figures the simple way; after every step the
/// bound holds, and an operation is refused exactly when doing it would break the bound.
/// </summary>
public sealed class SpentBoundTests
{
    private abstract record Op;

    private sealed record Donate(long Amount, long Match) : Op;

    private sealed record Refund(int Pick) : Op;

    private sealed record Report(long Spent) : Op;

    private sealed record Clawback(int Pick) : Op;

    private static readonly Gen<Op> AnyOp = Gen.Frequency(
        (4, Gen.Select(Gen.Long[1, 10_000], Gen.Long[0, 10_000], (a, m) => (Op)new Donate(a, m))),
        (2, Gen.Int[0, 1_000].Select(p => (Op)new Refund(p))),
        (4, Gen.Long[1, 15_000].Select(s => (Op)new Report(s))),
        (2, Gen.Long[-15_000, -1].Select(s => (Op)new Report(s))),
        (1, Gen.Int[0, 1_000].Select(p => (Op)new Clawback(p))));

    [Fact]
    public void Spent_never_leaves_zero_to_raised_plus_matched_and_refusals_are_exactly_the_breaking_steps() =>
        AnyOp.List[1, 200].Sample(ops =>
        {
            // The model: live donations as (amount, live match); raised and matched are their sums.
            var live = new List<(long Amount, long Match)>();
            long spent = 0;
            foreach (var op in ops)
            {
                var raised = live.Sum(d => d.Amount);
                var matched = live.Sum(d => d.Match);
                var available = SpentBound.Available(raised, matched);
                switch (op)
                {
                    case Donate d:
                        live.Add((d.Amount, d.Match));
                        break;
                    case Refund r when live.Count > 0:
                    {
                        var i = r.Pick % live.Count;
                        var loss = live[i].Amount + live[i].Match;
                        var allowed = SpentBound.AllowsLoss(spent, available, loss);
                        Assert.Equal(available - loss >= spent, allowed);
                        if (allowed)
                        {
                            live.RemoveAt(i);
                        }
                        break;
                    }
                    case Clawback c when live.Count > 0:
                    {
                        var i = c.Pick % live.Count;
                        var allowed = SpentBound.AllowsLoss(spent, available, live[i].Match);
                        Assert.Equal(available - live[i].Match >= spent, allowed);
                        if (allowed)
                        {
                            live[i] = (live[i].Amount, 0);
                        }
                        break;
                    }
                    case Report rep:
                    {
                        var ok = SpentBound.TryReport(spent, rep.Spent, available, out var after);
                        Assert.Equal(spent + rep.Spent is >= 0 and var total && total <= available, ok);
                        if (ok)
                        {
                            spent = after;
                        }
                        break;
                    }
                }
                Assert.InRange(spent, 0, SpentBound.Available(live.Sum(d => d.Amount), live.Sum(d => d.Match)));
            }
        }, iter: 500);

    [Theory]
    [InlineData(0, 0, 100, true)]
    [InlineData(0, 100, 100, true)]
    [InlineData(0, 101, 100, false)]
    [InlineData(50, -50, 100, true)]
    [InlineData(50, -51, 100, false)]
    public void A_report_fits_only_between_zero_and_what_was_brought(long spent, long delta, long available, bool fits) =>
        Assert.Equal(fits, SpentBound.TryReport(spent, delta, available, out _));

    [Fact]
    public void A_loss_may_take_the_project_down_to_its_spent_but_not_below() =>
        Assert.Equal((true, false), (SpentBound.AllowsLoss(60, 100, 40), SpentBound.AllowsLoss(60, 100, 41)));
}
