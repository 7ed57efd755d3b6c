using CharityDay.Domain.Matching;
using Xunit;

namespace CharityDay.Domain.Tests.Matching;

public sealed class RatioTests
{
    [Fact]
    public void One_to_one_ratio_matches_the_whole_amount()
    {
        var s = new Scenario(Scenario.Pool(ratioBps: 10_000));

        Assert.Equal(500, s.Match(500));
    }

    [Fact]
    public void Ratio_of_5000_bps_matches_half_the_amount()
    {
        var s = new Scenario(Scenario.Pool(ratioBps: 5_000));

        Assert.Equal(250, s.Match(500));
    }

    [Fact]
    public void Ratio_of_20000_bps_matches_twice_the_amount()
    {
        var s = new Scenario(Scenario.Pool(ratioBps: 20_000));

        Assert.Equal(1_000, s.Match(500));
    }

    [Theory]
    [InlineData(333, 5_000, 166)]
    [InlineData(1, 5_000, 0)]
    [InlineData(100, 3_333, 33)]
    [InlineData(7, 15_000, 10)]
    [InlineData(99, 1, 0)]
    [InlineData(10_000, 1, 1)]
    public void Ratio_rounds_down_to_the_fen(long amountFen, int ratioBps, long expectedFen)
    {
        var s = new Scenario(Scenario.Pool(ratioBps: ratioBps));

        Assert.Equal(expectedFen, s.Match(amountFen));
    }

    [Fact]
    public void Largest_donation_at_the_largest_ratio_is_matched_exactly()
    {
        var s = new Scenario(Scenario.Pool(budgetFen: Money.MaxBudgetFen, ratioBps: Money.MaxRatioBps));

        Assert.Equal(1_000_000_000, s.Match(Money.MaxDonationFen));
    }

    [Fact]
    public void Match_carries_the_fixed_ratio_it_used()
    {
        var s = new Scenario(Scenario.Pool(ratioBps: 5_000));

        var match = Assert.Single(s.Give(500).Matches);

        Assert.Equal(new PoolMatch("p1", 250, 5_000), match);
    }

    [Fact]
    public void Donation_whose_match_rounds_to_zero_is_not_listed_and_costs_nothing()
    {
        var s = new Scenario(Scenario.Pool(ratioBps: 5_000) with { PerDonorDailyCount = 1 });

        Assert.Empty(s.Give(1).Matches);
        Assert.Equal(0, s.Book.MatchCount("p1"));
        // The rounded-away donation did not use up the donor's single matched donation of the day.
        Assert.Equal(5, s.Match(10));
    }
}
