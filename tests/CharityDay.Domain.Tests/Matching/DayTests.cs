using Xunit;

namespace CharityDay.Domain.Tests.Matching;

/// <summary>The daily budget, the local calendar day and the daily opening time.</summary>
public sealed class DayTests
{
    /// <summary>2025-09-10 00:00 in Shanghai is 2025-09-09 16:00 UTC.</summary>
    private static readonly DateTimeOffset ShanghaiMidnight = new(2025, 9, 9, 16, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Daily_budget_gives_a_partial_match_that_uses_the_day_up_exactly()
    {
        var s = new Scenario(Scenario.Pool() with { DailyBudgetFen = 1_000 });

        Assert.Equal(600, s.Match(600, donor: "d1"));
        Assert.Equal(400, s.Match(600, donor: "d2"));
        Assert.Equal(0, s.Match(600, donor: "d3"));
        Assert.Equal(1_000, s.Book.MatchedOnDayFen("p1", new DateOnly(2025, 9, 9)));
    }

    [Fact]
    public void Daily_budget_opens_a_new_tranche_on_the_next_local_day()
    {
        var s = new Scenario(Scenario.Pool(budgetFen: 5_000) with { DailyBudgetFen = 1_000 });
        Assert.Equal(1_000, s.Match(1_500));

        s.Advance(TimeSpan.FromDays(1));

        Assert.Equal(1_000, s.Match(1_500));
        Assert.Equal(2_000, s.Book.MatchedFen("p1"));
    }

    [Fact]
    public void Daily_tranche_never_exceeds_what_is_left_of_the_budget()
    {
        var s = new Scenario(Scenario.Pool(budgetFen: 1_500) with { DailyBudgetFen = 1_000 });
        Assert.Equal(1_000, s.Match(2_000));

        s.Advance(TimeSpan.FromDays(1));

        Assert.Equal(500, s.Match(2_000));
    }

    [Fact]
    public void Shanghai_day_ends_at_16_00_UTC()
    {
        var s = new Scenario(Scenario.Pool() with { DailyBudgetFen = 1_000 });
        s.Now = ShanghaiMidnight.AddSeconds(-1);
        Assert.Equal(1_000, s.Match(1_500));
        Assert.Equal(0, s.Match(1_500));

        s.Now = ShanghaiMidnight;

        Assert.Equal(1_000, s.Match(1_500));
        Assert.Equal(new DateOnly(2025, 9, 10), s.Book.LocalDay(s.Now));
    }

    [Fact]
    public void Utc_midnight_is_not_a_new_day_in_Shanghai()
    {
        var s = new Scenario(Scenario.Pool() with { DailyBudgetFen = 1_000 });
        var utcMidnight = new DateTimeOffset(2025, 9, 10, 0, 0, 0, TimeSpan.Zero);
        s.Now = utcMidnight.AddMinutes(-1);
        Assert.Equal(1_000, s.Match(1_500));

        s.Now = utcMidnight.AddMinutes(1);

        Assert.Equal(0, s.Match(1_500));
    }

    [Fact]
    public void Day_follows_the_books_time_zone()
    {
        var s = new Scenario(TimeZoneInfo.Utc, Scenario.Pool() with { DailyBudgetFen = 1_000 });
        s.Now = ShanghaiMidnight.AddSeconds(-1);
        Assert.Equal(1_000, s.Match(1_500));

        s.Now = ShanghaiMidnight;
        Assert.Equal(0, s.Match(1_500));

        s.Now = new DateTimeOffset(2025, 9, 10, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(1_000, s.Match(1_500));
    }

    [Fact]
    public void Per_donor_daily_cap_resets_at_local_midnight()
    {
        var s = new Scenario(Scenario.Pool() with { PerDonorDailyCapFen = 100 });
        s.Now = ShanghaiMidnight.AddMilliseconds(-1);
        Assert.Equal(100, s.Match(500));

        s.Now = ShanghaiMidnight;

        Assert.Equal(100, s.Match(500));
    }

    [Fact]
    public void Pool_does_not_match_in_the_second_before_it_opens()
    {
        var s = new Scenario(Scenario.Pool() with { DailyOpensAt = new TimeOnly(10, 0) });
        // 10:00 in Shanghai is 02:00 UTC.
        s.Now = new DateTimeOffset(2025, 9, 9, 1, 59, 59, TimeSpan.Zero);
        Assert.Equal(0, s.Match(100));

        s.Now = new DateTimeOffset(2025, 9, 9, 1, 59, 59, 999, TimeSpan.Zero);
        Assert.Equal(0, s.Match(100));
    }

    [Fact]
    public void Pool_matches_from_the_second_it_opens()
    {
        var s = new Scenario(Scenario.Pool() with { DailyOpensAt = new TimeOnly(10, 0) });

        s.Now = new DateTimeOffset(2025, 9, 9, 2, 0, 0, TimeSpan.Zero);
        Assert.Equal(100, s.Match(100));

        s.Now = new DateTimeOffset(2025, 9, 9, 15, 59, 59, TimeSpan.Zero);
        Assert.Equal(100, s.Match(100));
    }

    [Fact]
    public void Pool_closes_again_after_local_midnight_until_it_opens()
    {
        var s = new Scenario(Scenario.Pool() with { DailyOpensAt = new TimeOnly(10, 0) });

        s.Now = ShanghaiMidnight.AddSeconds(1);

        Assert.Equal(0, s.Match(100));
    }

    [Fact]
    public void Opening_time_is_local_not_utc()
    {
        var s = new Scenario(Scenario.Pool() with { DailyOpensAt = new TimeOnly(10, 0) });

        // 10:30 UTC is 18:30 in Shanghai: open.
        s.Now = new DateTimeOffset(2025, 9, 9, 10, 30, 0, TimeSpan.Zero);
        Assert.Equal(100, s.Match(100));
        // 01:30 UTC is 09:30 in Shanghai: not yet.
        s.Now = new DateTimeOffset(2025, 9, 10, 1, 30, 0, TimeSpan.Zero);
        Assert.Equal(0, s.Match(100));
    }
}
