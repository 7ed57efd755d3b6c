using Xunit;

namespace CharityDay.Domain.Tests.Matching;

public sealed class CapTests
{
    [Fact]
    public void Per_donation_cap_limits_every_match()
    {
        var s = new Scenario(Scenario.Pool() with { PerDonationCapFen = 300 });

        Assert.Equal(300, s.Match(1_000));
        Assert.Equal(300, s.Match(1_000));
        Assert.Equal(200, s.Match(200));
    }

    [Fact]
    public void Per_donation_cap_applies_after_the_ratio()
    {
        var s = new Scenario(Scenario.Pool(ratioBps: 20_000) with { PerDonationCapFen = 150 });

        Assert.Equal(150, s.Match(100));
        Assert.Equal(140, s.Match(70));
    }

    [Fact]
    public void Per_donor_daily_cap_gives_a_partial_match_that_uses_it_up_exactly()
    {
        var s = new Scenario(Scenario.Pool() with { PerDonorDailyCapFen = 1_000 });

        Assert.Equal(600, s.Match(600));
        Assert.Equal(400, s.Match(600));
        Assert.Equal(0, s.Match(600));
        Assert.Equal(1_000, s.Book.DonorDay("p1", new DonorKey(Scenario.Partner, "d1"), s.Book.LocalDay(s.Now)).MatchedFen);
    }

    [Fact]
    public void Per_donor_daily_cap_is_counted_per_donor()
    {
        var s = new Scenario(Scenario.Pool() with { PerDonorDailyCapFen = 1_000 });

        Assert.Equal(1_000, s.Match(1_500, donor: "d1"));
        Assert.Equal(1_000, s.Match(1_500, donor: "d2"));
    }

    [Fact]
    public void Per_donor_daily_cap_is_available_again_the_next_local_day()
    {
        var s = new Scenario(Scenario.Pool() with { PerDonorDailyCapFen = 1_000 });
        Assert.Equal(1_000, s.Match(1_500));

        s.Advance(TimeSpan.FromDays(1));

        Assert.Equal(1_000, s.Match(1_500));
    }

    [Fact]
    public void Per_donor_daily_count_stops_matching_after_that_many_matched_donations()
    {
        var s = new Scenario(Scenario.Pool() with { PerDonorDailyCount = 2 });

        Assert.Equal(10, s.Match(10));
        Assert.Equal(10, s.Match(10));
        Assert.Equal(0, s.Match(10));
        Assert.Equal(10, s.Match(10, donor: "d2"));
    }

    [Fact]
    public void Per_donor_daily_count_counts_only_donations_that_got_a_match()
    {
        var s = new Scenario(Scenario.Pool() with { PerDonorDailyCount = 1, MinDonationFen = 100 });

        Assert.Equal(0, s.Match(50));
        Assert.Equal(0, s.Match(99));
        Assert.Equal(100, s.Match(100));
        Assert.Equal(0, s.Match(100));
    }

    [Fact]
    public void Per_donor_daily_count_counts_matches_of_this_pool_only()
    {
        var narrow = Scenario.Pool("narrow") with { PerDonorDailyCount = 1, ProjectIds = new HashSet<string> { "proj1" } };
        var wide = Scenario.Pool("wide");
        var s = new Scenario(narrow, wide);

        Assert.Equal(10, s.Give(10, project: "proj2").Of("wide"));
        Assert.Equal(10, s.Give(10, project: "proj2").Of("wide"));

        var first = s.Give(10, project: "proj1");
        Assert.Equal(10, first.Of("narrow"));
        Assert.Equal(0, s.Give(10, project: "proj1").Of("narrow"));
    }

    [Fact]
    public void Per_donor_daily_count_starts_again_the_next_local_day()
    {
        var s = new Scenario(Scenario.Pool() with { PerDonorDailyCount = 1 });
        Assert.Equal(10, s.Match(10));
        Assert.Equal(0, s.Match(10));

        s.Advance(TimeSpan.FromDays(1));

        Assert.Equal(10, s.Match(10));
    }

    [Fact]
    public void Per_project_cap_gives_a_partial_match_that_uses_it_up_exactly()
    {
        var s = new Scenario(Scenario.Pool() with { PerProjectCapFen = 1_000 });

        Assert.Equal(700, s.Match(700, donor: "d1"));
        Assert.Equal(300, s.Match(700, donor: "d2"));
        Assert.Equal(0, s.Match(700, donor: "d3"));
        Assert.Equal(1_000, s.Book.MatchedForProjectFen("p1", Scenario.Project));
    }

    [Fact]
    public void Per_project_cap_is_counted_per_project()
    {
        var s = new Scenario(Scenario.Pool() with { PerProjectCapFen = 1_000 });
        Assert.Equal(1_000, s.Match(1_500, project: "proj1"));

        Assert.Equal(1_000, s.Match(1_500, project: "proj2"));
    }

    [Fact]
    public void Per_project_cap_covers_the_whole_campaign_not_one_day()
    {
        var s = new Scenario(Scenario.Pool() with { PerProjectCapFen = 1_000 });
        Assert.Equal(1_000, s.Match(1_500));

        s.Advance(TimeSpan.FromDays(3));

        Assert.Equal(0, s.Match(1_500));
    }

    [Fact]
    public void Budget_gives_a_partial_match_that_uses_it_up_exactly()
    {
        var s = new Scenario(Scenario.Pool(budgetFen: 1_000));

        Assert.Equal(600, s.Match(600, donor: "d1"));
        Assert.Equal(400, s.Match(600, donor: "d2"));
        Assert.Equal(0, s.Match(600, donor: "d3"));
        Assert.Equal(1_000, s.Book.MatchedFen("p1"));
        Assert.Equal(2, s.Book.MatchCount("p1"));
    }

    [Fact]
    public void Tightest_limit_decides_the_partial_match()
    {
        var s = new Scenario(Scenario.Pool(budgetFen: 10_000) with
        {
            PerDonationCapFen = 900,
            PerDonorDailyCapFen = 1_000,
            PerProjectCapFen = 5_000,
            DailyBudgetFen = 8_000,
        });

        Assert.Equal(900, s.Match(2_000));
        Assert.Equal(100, s.Match(2_000));
    }
}
