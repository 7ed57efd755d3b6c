using Xunit;

namespace CharityDay.Domain.Tests.Matching;

public sealed class MinuteCountTests
{
    private static Scenario AtMost(int perMinute, long? minDonationFen = null) =>
        new(Scenario.Pool() with { PerDonorMinuteCount = perMinute, MinDonationFen = minDonationFen });

    [Fact]
    public void Donations_beyond_the_minute_count_get_no_match()
    {
        var s = AtMost(2);

        Assert.Equal(10, s.Match(10));
        s.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(10, s.Match(10));
        s.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, s.Match(10));
    }

    [Fact]
    public void Minute_count_includes_the_donation_being_decided()
    {
        var s = AtMost(1);

        Assert.Equal(10, s.Match(10));
        s.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(0, s.Match(10));
    }

    [Fact]
    public void Donations_at_the_same_instant_all_count()
    {
        var s = AtMost(2);

        Assert.Equal(10, s.Match(10));
        Assert.Equal(10, s.Match(10));
        Assert.Equal(0, s.Match(10));
    }

    [Fact]
    public void Donation_exactly_sixty_seconds_earlier_has_left_the_rolling_minute()
    {
        var s = AtMost(1);

        Assert.Equal(10, s.Match(10));
        s.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(10, s.Match(10));
    }

    [Fact]
    public void Donation_one_tick_under_sixty_seconds_earlier_is_still_in_the_rolling_minute()
    {
        var s = AtMost(1);

        Assert.Equal(10, s.Match(10));
        s.Advance(TimeSpan.FromSeconds(60) - TimeSpan.FromTicks(1));
        Assert.Equal(0, s.Match(10));
    }

    [Fact]
    public void Rolling_minute_slides_old_donations_out()
    {
        var s = AtMost(2);
        var start = s.Now;

        Assert.Equal(10, s.Match(10));
        s.Now = start.AddSeconds(10);
        Assert.Equal(10, s.Match(10));
        s.Now = start.AddSeconds(20);
        Assert.Equal(0, s.Match(10));
        // Window (10.5 s, 70.5 s] holds the donations at 20 s and 70.5 s: two, so a match.
        s.Now = start.AddSeconds(70.5);
        Assert.Equal(10, s.Match(10));
    }

    [Fact]
    public void Unmatched_donations_count_towards_the_minute()
    {
        var s = AtMost(1, minDonationFen: 100);

        Assert.Equal(0, s.Match(50));
        s.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, s.Match(100));
    }

    [Fact]
    public void Minute_count_is_per_donor()
    {
        var s = AtMost(1);

        Assert.Equal(10, s.Match(10, donor: "d1"));
        Assert.Equal(10, s.Match(10, donor: "d2"));
        Assert.Equal(0, s.Match(10, donor: "d1"));
    }

    [Fact]
    public void Minute_count_treats_two_partners_same_donor_id_as_two_donors()
    {
        var s = AtMost(1);

        Assert.Equal(10, s.Match(10, partner: Scenario.Partner));
        Assert.Equal(10, s.Match(10, partner: Scenario.OtherPartner));
        Assert.Equal(0, s.Match(10, partner: Scenario.Partner));
    }

    [Fact]
    public void Minute_count_of_zero_matches_nobody()
    {
        var s = AtMost(0);

        Assert.Equal(0, s.Match(10));
    }
}
