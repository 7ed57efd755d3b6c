using Xunit;

namespace CharityDay.Domain.Tests.Matching;

/// <summary>Live pool changes (invariant 4): they apply to the next donation and never claw back.</summary>
public sealed class AdjustmentTests
{
    [Fact]
    public void Budget_lowered_below_matched_stops_matching_without_clawing_back()
    {
        var s = new Scenario(Scenario.Pool(budgetFen: 1_000));
        Assert.Equal(800, s.Match(800));

        s.Book.SetPool(Scenario.Pool(budgetFen: 500));

        Assert.Equal(0, s.Match(100));
        Assert.Equal(800, s.Book.MatchedFen("p1"));
        Assert.Equal(1, s.Book.MatchCount("p1"));
    }

    [Fact]
    public void Budget_lowered_to_exactly_matched_stops_matching()
    {
        var s = new Scenario(Scenario.Pool(budgetFen: 1_000));
        Assert.Equal(800, s.Match(800));

        s.Book.SetPool(Scenario.Pool(budgetFen: 800));

        Assert.Equal(0, s.Match(100));
    }

    [Fact]
    public void Budget_cut_leaves_exactly_the_remainder_to_match()
    {
        var s = new Scenario(Scenario.Pool(budgetFen: 1_000));
        Assert.Equal(300, s.Match(300));

        s.Book.SetPool(Scenario.Pool(budgetFen: 500));

        Assert.Equal(200, s.Match(300));
        Assert.Equal(0, s.Match(300));
    }

    [Fact]
    public void Budget_top_up_after_exhaustion_matches_again_up_to_the_new_budget()
    {
        var s = new Scenario(Scenario.Pool(budgetFen: 1_000));
        Assert.Equal(1_000, s.Match(1_500));

        s.Book.SetPool(Scenario.Pool(budgetFen: 1_200));

        Assert.Equal(200, s.Match(1_500));
    }

    [Fact]
    public void Ratio_change_applies_to_the_next_donation_only()
    {
        var s = new Scenario(Scenario.Pool(ratioBps: 10_000));
        Assert.Equal(500, s.Match(500));

        s.Book.SetPool(Scenario.Pool(ratioBps: 5_000));

        Assert.Equal(250, s.Match(500));
        Assert.Equal(750, s.Book.MatchedFen("p1"));
    }

    [Fact]
    public void Lowered_daily_budget_stops_the_rest_of_the_day_without_clawing_back()
    {
        var s = new Scenario(Scenario.Pool() with { DailyBudgetFen = 1_000 });
        Assert.Equal(800, s.Match(800));

        s.Book.SetPool(Scenario.Pool() with { DailyBudgetFen = 500 });

        Assert.Equal(0, s.Match(100));
        Assert.Equal(800, s.Book.MatchedOnDayFen("p1", s.Book.LocalDay(s.Now)));
        s.Advance(TimeSpan.FromDays(1));
        Assert.Equal(500, s.Match(800));
    }

    [Fact]
    public void Refund_gives_the_match_back_to_the_pool()
    {
        var s = new Scenario(Scenario.Pool(budgetFen: 1_000));
        var first = s.Give(1_000, donor: "d1");
        Assert.Equal(0, s.Match(1_000, donor: "d2"));

        s.Refund(first);

        Assert.Equal(0, s.Book.MatchedFen("p1"));
        Assert.Equal(0, s.Book.MatchCount("p1"));
        Assert.Equal(1_000, s.Match(1_000, donor: "d3"));
    }

    [Fact]
    public void Refund_gives_the_match_back_to_the_project_cap()
    {
        var s = new Scenario(Scenario.Pool() with { PerProjectCapFen = 1_000 });
        var first = s.Give(1_000, donor: "d1");

        s.Refund(first);

        Assert.Equal(0, s.Book.MatchedForProjectFen("p1", Scenario.Project));
        Assert.Equal(1_000, s.Match(1_000, donor: "d2"));
    }

    [Fact]
    public void Refund_gives_the_donor_back_their_daily_allowance_and_count()
    {
        var s = new Scenario(Scenario.Pool() with { PerDonorDailyCapFen = 1_000, PerDonorDailyCount = 1 });
        var first = s.Give(1_000);
        Assert.Equal(0, s.Match(1_000));

        s.Refund(first);

        Assert.Equal(default, s.Book.DonorDay("p1", first.Facts.Donor, first.Day));
        Assert.Equal(1_000, s.Match(1_000));
    }

    [Fact]
    public void Refund_gives_the_match_back_to_the_day_it_was_made()
    {
        var s = new Scenario(Scenario.Pool(budgetFen: 10_000) with { DailyBudgetFen = 1_000 });
        var yesterday = s.Give(1_000);
        s.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1_000, s.Match(1_000));

        s.Refund(yesterday);

        Assert.Equal(0, s.Book.MatchedOnDayFen("p1", yesterday.Day));
        Assert.Equal(1_000, s.Book.MatchedOnDayFen("p1", s.Book.LocalDay(s.Now)));
        Assert.Equal(0, s.Match(1_000));
    }

    [Fact]
    public void Refund_of_a_stacked_donation_gives_every_pool_its_match_back()
    {
        var s = new Scenario(Scenario.Pool("a", budgetFen: 500), Scenario.Pool("b", budgetFen: 500));
        var given = s.Give(500);

        s.Refund(given);

        Assert.Equal(0, s.Book.MatchedFen("a"));
        Assert.Equal(0, s.Book.MatchedFen("b"));
        Assert.Equal(1_000, s.Match(500));
    }

    [Fact]
    public void Flagged_donor_gets_no_further_match_from_that_pool()
    {
        var s = new Scenario(Scenario.Pool());
        Assert.Equal(10, s.Match(10, donor: "farmer"));

        s.Book.Flag("p1", "farmer");

        Assert.True(s.Book.IsFlagged("p1", "farmer"));
        Assert.Equal(0, s.Match(10, donor: "farmer"));
        Assert.Equal(10, s.Match(10, donor: "honest"));
    }

    [Fact]
    public void Flag_on_one_pool_leaves_the_donor_matched_by_other_pools()
    {
        var s = new Scenario(Scenario.Pool("a"), Scenario.Pool("b"));

        s.Book.Flag("a", "farmer");

        Assert.Equal(0, s.Give(10, donor: "farmer").Of("a"));
        Assert.Equal(10, s.Give(10, donor: "farmer").Of("b"));
    }

    [Fact]
    public void Clawback_returns_every_match_of_the_donor_to_the_pool()
    {
        var s = new Scenario(Scenario.Pool(budgetFen: 1_000) with { PerProjectCapFen = 800 });
        s.Give(300, donor: "farmer");
        s.Give(300, donor: "farmer");
        s.Give(200, donor: "honest");

        s.Clawback("p1", "farmer");

        Assert.Equal(200, s.Book.MatchedFen("p1"));
        Assert.Equal(1, s.Book.MatchCount("p1"));
        Assert.Equal(200, s.Book.MatchedForProjectFen("p1", Scenario.Project));
        Assert.Equal(600, s.Match(900, donor: "honest"));
    }

    [Fact]
    public void Flagging_a_donor_id_stops_its_matches_on_every_platform()
    {
        // SPEC §4's clawback names only a donorId, so a flag covers that id on every platform
        // (docs/design.md, "Donors"); caps and counts stay per (partnerId, donorId).
        var s = new Scenario(Scenario.Pool());

        FlagDonor(s, "p1", new DonorKey(Scenario.Partner, "d1"));

        Assert.Equal(0, s.Match(10, donor: "d1", partner: Scenario.Partner));
        Assert.Equal(0, s.Match(10, donor: "d1", partner: Scenario.OtherPartner));
        Assert.Equal(10, s.Match(10, donor: "d2", partner: Scenario.OtherPartner));
    }

    [Fact]
    public void Two_partners_same_donor_id_have_separate_daily_caps_and_counts()
    {
        var s = new Scenario(Scenario.Pool() with { PerDonorDailyCapFen = 100, PerDonorDailyCount = 1 });

        Assert.Equal(100, s.Match(500, donor: "d1", partner: Scenario.Partner));
        Assert.Equal(100, s.Match(500, donor: "d1", partner: Scenario.OtherPartner));
        Assert.Equal(0, s.Match(500, donor: "d1", partner: Scenario.Partner));
    }

    /// <summary>A clawback flags a bare donorId (SPEC §4 names no partner).</summary>
    private static void FlagDonor(Scenario s, string poolId, DonorKey donor) => s.Book.Flag(poolId, donor.DonorId);
}
