using CharityDay.Domain.Tests.Matching.Model;
using CsCheck;
using Xunit;

namespace CharityDay.Domain.Tests.Matching;

public sealed class MatchingBookPropertyTests
{
    /// <summary>
    /// Random campaigns — bursts and quiet hours across local midnights, refunds, clawbacks,
    /// live budget, ratio, cap and pause changes, pruning and rebuilds from the ledger — are
    /// decided by the book exactly as by the slow reference model, with invariants 1 and 2
    /// checked after every step.
    /// </summary>
    [Fact]
    public void Book_decides_every_donation_like_the_reference_model_and_never_overspends() =>
        CampaignGen.Any.Sample(ModelRun.Play, iter: 400, print: c => c.ToString());
}
