using Xunit;

namespace CharityDay.Domain.Tests.Matching;

/// <summary>The conditions under which a pool matches nothing at all.</summary>
public sealed class EligibilityTests
{
    private static readonly DateTimeOffset Start = new(2025, 9, 9, 1, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = new(2025, 9, 10, 1, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Donation_below_the_minimum_gets_no_match()
    {
        var s = new Scenario(Scenario.Pool() with { MinDonationFen = 100 });

        Assert.Equal(0, s.Match(99));
        Assert.Equal(100, s.Match(100));
        Assert.Equal(101, s.Match(101));
    }

    [Fact]
    public void Pool_scoped_to_projects_matches_only_those_projects()
    {
        var s = new Scenario(Scenario.Pool() with { ProjectIds = new HashSet<string> { "proj1", "proj3" } });

        Assert.Equal(10, s.Match(10, project: "proj1"));
        Assert.Equal(0, s.Match(10, project: "proj2"));
        Assert.Equal(10, s.Match(10, project: "proj3"));
    }

    [Fact]
    public void Project_scope_compares_ids_exactly()
    {
        var s = new Scenario(Scenario.Pool() with { ProjectIds = new HashSet<string>(StringComparer.Ordinal) { "proj1" } });

        Assert.Equal(0, s.Match(10, project: "PROJ1"));
    }

    [Fact]
    public void Pool_without_project_scope_matches_every_project()
    {
        var s = new Scenario(Scenario.Pool() with { ProjectIds = null });

        Assert.Equal(10, s.Match(10, project: "proj1"));
        Assert.Equal(10, s.Match(10, project: "anything-else"));
    }

    [Fact]
    public void Pool_window_includes_its_start()
    {
        var s = new Scenario(Scenario.Pool() with { StartsAt = Start, EndsAt = End });

        s.Now = Start.AddTicks(-1);
        Assert.Equal(0, s.Match(10));
        s.Now = Start;
        Assert.Equal(10, s.Match(10));
    }

    [Fact]
    public void Pool_window_excludes_its_end()
    {
        var s = new Scenario(Scenario.Pool() with { StartsAt = Start, EndsAt = End });

        s.Now = End.AddTicks(-1);
        Assert.Equal(10, s.Match(10));
        s.Now = End;
        Assert.Equal(0, s.Match(10));
    }

    [Fact]
    public void Pool_window_compares_instants_whatever_their_offset()
    {
        var s = new Scenario(Scenario.Pool() with { StartsAt = Start });

        // Start is 09:00 in Shanghai; 08:59 +08:00 is one minute before it.
        s.Now = new DateTimeOffset(2025, 9, 9, 8, 59, 0, TimeSpan.FromHours(8));
        Assert.Equal(0, s.Match(10));
        s.Now = new DateTimeOffset(2025, 9, 9, 9, 0, 0, TimeSpan.FromHours(8));
        Assert.Equal(10, s.Match(10));
    }

    [Fact]
    public void Paused_pool_matches_nothing_and_spends_nothing()
    {
        var s = new Scenario(Scenario.Pool() with { Paused = true });

        Assert.Empty(s.Give(500).Matches);
        Assert.Equal(0, s.Book.MatchedFen("p1"));
    }

    [Fact]
    public void Resumed_pool_matches_again()
    {
        var s = new Scenario(Scenario.Pool());
        s.Book.SetPool(Scenario.Pool() with { Paused = true });
        Assert.Equal(0, s.Match(500));

        s.Book.SetPool(Scenario.Pool() with { Paused = false });

        Assert.Equal(500, s.Match(500));
    }

    [Fact]
    public void Pool_without_a_ratio_matches_nothing()
    {
        var s = new Scenario(Scenario.Pool() with { RatioBps = null });

        Assert.Equal(0, s.Match(500));
    }
}
