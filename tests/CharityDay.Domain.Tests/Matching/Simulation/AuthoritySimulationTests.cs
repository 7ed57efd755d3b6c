using CharityDay.Domain.Tests.Matching.Simulation;
using CsCheck;
using Xunit;

namespace CharityDay.Domain.Tests.Matching;

/// <summary>
/// Issue 5's seeded simulation, for our design: there are no leases, so what is simulated is
/// the one matching authority per campaign — group commits that fail, silos that die with a
/// batch in flight (its transaction landed or not), PATCHes waiting for the write lock,
/// refunds, clawbacks and local midnights — with the book checked against the reference model,
/// the ledger and the invariants after every step.
/// </summary>
public sealed class AuthoritySimulationTests
{
    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 12)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Authority_book_equals_the_committed_ledger_and_the_reference_after_every_step(int seed) =>
        SimulationRun.Play(seed, steps: 1_200);

    /// <summary>Seeds and lengths beyond the fixed range; CsCheck prints the failing pair.</summary>
    [Fact]
    public void Authority_holds_every_invariant_for_random_seeds_and_lengths() =>
        Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[300, 1_500], (seed, steps) => new SimCase(seed, steps))
            .Sample(c => SimulationRun.Play(c.Seed, c.Steps), iter: 8, print: c => c.ToString());
}

internal sealed record SimCase(int Seed, int Steps);
