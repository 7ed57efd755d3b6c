using CharityDay.Domain.Giving;
using CharityDay.Domain.Matching;
using Xunit;

namespace CharityDay.Domain.Tests.Giving;

/// <summary>SPEC §7 team totals: they follow refunds and clawbacks, count distinct donors, and a rebuild from the ledger's rows gives the same.</summary>
public sealed class TeamBookTests
{
    private static readonly TeamKey Team = new("tencent", "t1");

    [Fact]
    public void Totals_follow_refunds_and_clawbacks_and_count_distinct_donors()
    {
        var book = new TeamBook();
        book.Accepted(Team, "a", 100, 50);
        book.Accepted(Team, "a", 200, 0);
        book.Accepted(Team, "b", 300, 300);
        Assert.Equal((600L, 350L, 3L, 2), Of(book, Team));

        book.Refunded(Team, "b", 300, 300);
        Assert.Equal((300L, 50L, 2L, 1), Of(book, Team));

        book.MatchReversed(Team, 50);
        Assert.Equal((300L, 0L, 2L, 1), Of(book, Team));

        book.Refunded(Team, "a", 100, 0);
        Assert.Equal((200L, 0L, 1L, 1), Of(book, Team));
    }

    [Fact]
    public void Another_partners_team_of_the_same_id_is_another_team()
    {
        var book = new TeamBook();
        book.Accepted(Team, "a", 100, 0);
        book.Accepted(Team with { PartnerId = "alipay" }, "a", 7, 0);
        Assert.Equal((100L, 0L, 1L, 1), Of(book, Team));
        Assert.Equal((7L, 0L, 1L, 1), Of(book, Team with { PartnerId = "alipay" }));
    }

    [Fact]
    public void A_rebuild_from_the_ledgers_rows_gives_the_same_totals_and_marks_every_team_changed()
    {
        var snapshot = new CampaignLedgerSnapshot();
        snapshot.TeamDonations.Add(("tencent", "t1", "a", 300, 2));
        snapshot.TeamDonations.Add(("tencent", "t1", "b", 0, 0));
        snapshot.TeamDonations.Add(("tencent", "t2", "c", 5, 1));
        snapshot.TeamMatched.Add(("tencent", "t1", 40));
        var book = new TeamBook();
        book.Accepted(new TeamKey("tencent", "gone"), "x", 1, 0);
        book.TakeChanged();

        book.Clear();
        snapshot.RestoreTeams(book);

        Assert.Equal((300L, 40L, 2L, 1), Of(book, Team));
        Assert.Equal((5L, 0L, 1L, 1), Of(book, new TeamKey("tencent", "t2")));
        Assert.Null(book.Find(new TeamKey("tencent", "gone")));
        Assert.Equal(["gone", "t1", "t2"], book.TakeChanged().Select(t => t.TeamId).Order(StringComparer.Ordinal));
        Assert.False(book.HasChanges);
    }

    private static (long Raised, long Matched, long Count, int Donors) Of(TeamBook book, TeamKey team)
    {
        var totals = book.Find(team)!;
        return (totals.RaisedFen, totals.MatchedFen, totals.DonationCount, totals.DonorCount);
    }
}
