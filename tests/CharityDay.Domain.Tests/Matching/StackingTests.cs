using CharityDay.Domain.Matching;
using Xunit;

namespace CharityDay.Domain.Tests.Matching;

public sealed class StackingTests
{
    [Fact]
    public void Two_pools_both_match_the_same_donation()
    {
        var s = new Scenario(Scenario.Pool("a", ratioBps: 10_000), Scenario.Pool("b", ratioBps: 5_000));

        var given = s.Give(500);

        Assert.Equal([new PoolMatch("a", 500, 10_000), new PoolMatch("b", 250, 5_000)], given.Matches);
        Assert.Equal(750, given.Total);
    }

    [Fact]
    public void Lower_priority_number_matches_first()
    {
        var s = new Scenario(Scenario.Pool("a") with { Priority = 2 }, Scenario.Pool("z") with { Priority = 1 });

        Assert.Equal(["z", "a"], s.Give(100).Matches.Select(m => m.PoolId));
        Assert.Equal(["z", "a"], s.Book.Pools.Select(p => p.PoolId));
    }

    [Fact]
    public void Equal_priorities_stack_by_ordinal_pool_id()
    {
        // Ordinal order puts upper case before lower case, unlike a culture-aware comparison.
        var s = new Scenario(Scenario.Pool("b"), Scenario.Pool("a"), Scenario.Pool("B"));

        Assert.Equal(["B", "a", "b"], s.Give(100).Matches.Select(m => m.PoolId));
    }

    [Fact]
    public void Negative_priority_goes_before_zero()
    {
        var s = new Scenario(Scenario.Pool("a"), Scenario.Pool("b") with { Priority = -1 });

        Assert.Equal(["b", "a"], s.Give(100).Matches.Select(m => m.PoolId));
    }

    [Fact]
    public void Partial_match_of_a_first_pool_leaves_the_next_pool_untouched()
    {
        var s = new Scenario(Scenario.Pool("first", budgetFen: 100) with { Priority = 0 }, Scenario.Pool("second") with { Priority = 1 });

        var given = s.Give(500);

        Assert.Equal([new PoolMatch("first", 100, 10_000), new PoolMatch("second", 500, 10_000)], given.Matches);
    }

    [Fact]
    public void Exhausted_pool_is_left_out_and_the_others_still_match()
    {
        var s = new Scenario(Scenario.Pool("first", budgetFen: 100), Scenario.Pool("second"));
        s.Give(500);

        var given = s.Give(500);

        Assert.Equal([new PoolMatch("second", 500, 10_000)], given.Matches);
    }

    [Fact]
    public void Replacing_a_pool_reorders_the_stack()
    {
        var s = new Scenario(Scenario.Pool("a"), Scenario.Pool("b"));

        s.Book.SetPool(Scenario.Pool("b") with { Priority = -5 });

        Assert.Equal(["b", "a"], s.Book.Pools.Select(p => p.PoolId));
        Assert.Equal(2, s.Book.Pools.Count);
    }
}
