using CharityDay.Domain.Tests.Matching.Simulation;
using CsCheck;
using Xunit;

namespace CharityDay.Domain.Tests.Matching;

/// <summary>
/// Issue 5's seeded simulation, for our design: there are no leases, so what is simulated is
/// the one matching authority per campaign — the production <c>CampaignWritePath</c> driven around
/// a simulated ledger: pipelined group commits (a batch matched while another commits) that fail,
/// silos that die with batches in flight (the commit landed or not), PATCHes waiting for the
/// write lock, refunds, clawbacks and local midnights — with the book checked against the
/// reference model, the ledger and the invariants after every step.
/// </summary>
public sealed class AuthoritySimulationTests
{
    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 12)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Authority_book_equals_the_committed_ledger_and_the_reference_after_every_step(int seed) =>
        SimulationRun.Play(seed, steps: 1_200);

    /// <summary>
    /// The fixed seeds must reach every case of the pipelined commit, or the theory above could pass
    /// without ever checking them: a batch matched while another commits, a failed commit sending it
    /// back to be matched again or failing while the next batch is looked up, a duplicate-key refusal, a post deferred behind its own commit, and
    /// a silo death with a batch behind the commit in flight, that commit landed or lost.
    /// </summary>
    [Fact]
    public void Fixed_seeds_reach_every_case_of_the_pipelined_commit()
    {
        var total = new PipelineCoverage();
        foreach (var seed in Enumerable.Range(1, 12))
        {
            total.Add(SimulationRun.Play(seed, steps: 1_200));
        }
        Assert.True(total.MatchedBehind > 0 && total.SentBack > 0 && total.DuplicateKeyRefusals > 0 && total.FailedDuringLookup > 0 && total.Deferred > 0 && total.DonorsLoaded > 0 && total.SumsMoves > 0 && total.RestoresWithTail > 0
            && total.DeathsWithBatchBehind[0] > 0 && total.DeathsWithBatchBehind[1] > 0, $"every case reached at least once; reached {total}");
    }

    /// <summary>Seeds that once failed, kept: a per-minute limit added by a PATCH after a refund (the rebuild it causes).</summary>
    [Theory]
    [InlineData(1803942436, 1300)]
    [InlineData(395357454, 735)]
    [InlineData(678878627, 1436)]
    // A donor-day of yesterday still held by the live book at quiescence (harmless; the auditor compared it with a book that loads today only).
    [InlineData(255781767, 627)]
    public void Authority_holds_every_invariant_for_seeds_that_once_failed(int seed, int steps) => SimulationRun.Play(seed, steps);

    /// <summary>Seeds and lengths beyond the fixed range; CsCheck prints the failing pair.</summary>
    [Fact]
    public void Authority_holds_every_invariant_for_random_seeds_and_lengths() =>
        Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[300, 1_500], (seed, steps) => new SimCase(seed, steps))
            .Sample(c => SimulationRun.Play(c.Seed, c.Steps), iter: 8, print: c => c.ToString());
}

internal sealed record SimCase(int Seed, int Steps);
