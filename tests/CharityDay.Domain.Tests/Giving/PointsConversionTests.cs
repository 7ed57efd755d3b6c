using CharityDay.Domain.Matching;
using CharityDay.Domain.Tests.Matching;
using CsCheck;
using Xunit;

namespace CharityDay.Domain.Tests.Giving;

/// <summary>SPEC §7 points gifts in the matching book: conversion pools pay them, one pool a gift, within the usual limits.</summary>
public sealed class PointsConversionTests
{
    private static PoolRules Conversion(string poolId = "bank", string program = "bank", long budgetFen = 1_000_000, long fenPer1000Points = 1000) =>
        Scenario.Pool(poolId, budgetFen) with { RatioBps = null, PointsProgram = program, FenPer1000Points = fenPer1000Points };

    private static int _next;

    private static Given GivePoints(Scenario s, long points, string program = "bank", string donor = "d1", string project = Scenario.Project)
    {
        var facts = new DonationFacts(new DonationKey(Scenario.Partner, $"pts{Interlocked.Increment(ref _next)}"), donor, project, 0, s.Now,
            PointsProgram: program, PointsOffered: points);
        return new Given(facts, s.Book.Accept(facts), s.Book.LocalDay(s.Now));
    }

    [Theory]
    [InlineData(1234, 250, 308, 1232)]
    [InlineData(1000, 1000, 1000, 1000)]
    [InlineData(999, 1, 0, 0)]
    [InlineData(1001, 1, 1, 1000)]
    [InlineData(7, 3000, 21, 7)]
    [InlineData(1_000_000_000_000, 100_000_000, 100_000_000, 1000)]
    public void Worth_is_floored_and_points_used_are_the_fewest_that_pay_it(long points, long rate, long worth, long used)
    {
        Assert.Equal(worth, PointsConversion.Worth(points, rate));
        Assert.Equal(used, PointsConversion.PointsUsed(worth, rate, points));
    }

    [Fact]
    public void Points_used_never_exceed_those_offered_and_always_pay_the_amount()
    {
        Gen.Select(Gen.Long[1, PointsConversion.MaxPoints], Gen.Long[1, PointsConversion.MaxFenPer1000Points], Gen.Long[0, 100_000_000]).Sample(t =>
        {
            var (points, rate, budget) = t;
            var amount = Math.Min(PointsConversion.Worth(points, rate), budget);
            var used = PointsConversion.PointsUsed(amount, rate, points);
            Assert.InRange(used, 0, points);
            Assert.True(PointsConversion.Worth(used, rate) >= amount);
            Assert.True(used == 0 || PointsConversion.Worth(used - 1, rate) < amount);
        });
    }

    [Fact]
    public void A_conversion_pool_pays_its_programmes_gifts_and_matches_nothing_else()
    {
        var s = new Scenario(Scenario.Pool("open"), Conversion());
        var gift = GivePoints(s, 500);
        Assert.Equal([new PoolMatch("bank", 500, 10_000)], gift.Matches);
        Assert.Equal(0, s.Give(200).Of("bank"));
        Assert.Empty(GivePoints(s, 500, program: "airline").Matches);
        Assert.Equal(200, s.Book.MatchedFen("open"));
        Assert.Equal(500, s.Book.MatchedFen("bank"));
    }

    [Fact]
    public void The_budget_end_pays_partially_then_nothing()
    {
        var s = new Scenario(Conversion(budgetFen: 700));
        Assert.Equal(500, GivePoints(s, 500).Total);
        Assert.Equal(200, GivePoints(s, 500).Total);
        Assert.Empty(GivePoints(s, 500).Matches);
    }

    [Fact]
    public void Daily_budget_caps_paused_window_and_flags_apply_to_conversion_pools()
    {
        var s = new Scenario(Conversion() with { DailyBudgetFen = 300, PerDonorDailyCapFen = 200, PerProjectCapFen = 1000 });
        Assert.Equal(200, GivePoints(s, 500, donor: "a").Total);
        Assert.Equal(100, GivePoints(s, 500, donor: "b").Total);
        Assert.Empty(GivePoints(s, 500, donor: "c").Matches);
        s.Advance(TimeSpan.FromDays(1));
        Assert.Equal(200, GivePoints(s, 500, donor: "a").Total);
        s.Book.Flag("bank", "b");
        Assert.Empty(GivePoints(s, 500, donor: "b").Matches);
        s.Book.SetPool(Conversion() with { Paused = true });
        Assert.Empty(GivePoints(s, 500, donor: "c").Matches);
        s.Book.SetPool(Conversion() with { StartsAt = s.Now.AddHours(1) });
        Assert.Empty(GivePoints(s, 500, donor: "c").Matches);
    }

    [Fact]
    public void One_pool_pays_a_gift_the_first_in_priority_then_pool_id_order_that_can_pay_a_fen()
    {
        var s = new Scenario(
            Conversion("b-second", budgetFen: 10_000, fenPer1000Points: 2000) with { Priority = 1 },
            Conversion("c-first", budgetFen: 100),
            Conversion("a-empty", budgetFen: 0));
        var gift = GivePoints(s, 150);
        Assert.Equal([new PoolMatch("c-first", 100, 10_000)], gift.Matches);
        Assert.Equal([new PoolMatch("b-second", 300, 10_000)], GivePoints(s, 150).Matches);
    }

    [Fact]
    public void A_refused_points_gift_leaves_no_trace_in_the_donors_minute()
    {
        var s = new Scenario(Scenario.Pool("open") with { PerDonorMinuteCount = 1 }, Conversion(budgetFen: 100));
        Assert.Empty(GivePoints(s, 50, program: "airline").Matches);
        Assert.Equal(200, s.Give(200).Of("open"));
        Assert.Equal(100, GivePoints(s, 500).Total);
        // The paid gift counts in the minute: the next ordinary gift is the donor's third.
        Assert.Equal(0, s.Give(200).Of("open"));
    }

    [Fact]
    public void A_refunded_gifts_payment_goes_back_to_its_pool()
    {
        var s = new Scenario(Conversion(budgetFen: 500));
        var gift = GivePoints(s, 500);
        Assert.Empty(GivePoints(s, 1).Matches);
        foreach (var record in gift.Records())
        {
            s.Book.Reverse(record);
        }
        Assert.Equal(0, s.Book.MatchedFen("bank"));
        Assert.Equal(300, GivePoints(s, 300).Total);
    }

    [Fact]
    public void A_restore_counts_a_conversion_pools_payments_for_the_pool_but_not_as_the_projects_matched()
    {
        var book = new MatchingBook(Scenario.Shanghai);
        book.SetPool(Conversion(budgetFen: 1000));
        book.SetPool(Scenario.Pool("open"));
        var snapshot = new CampaignLedgerSnapshot();
        snapshot.ProjectRaised.Add((Scenario.Project, Scenario.Partner, 900, 3));
        snapshot.PoolProjectMatched.Add(("bank", Scenario.Project, 600, 2));
        snapshot.PoolProjectMatched.Add(("open", Scenario.Project, 300, 1));
        snapshot.ProjectPoints.Add((Scenario.Project, 1200));

        var totals = snapshot.RestoreInto(book)[Scenario.Project];

        Assert.Equal((900L, 300L, 1200L), (totals.RaisedFen, totals.MatchedFen, totals.PointsDonated));
        Assert.Equal(600, book.MatchedFen("bank"));
    }
}
