using CharityDay.Domain.Giving;
using CharityDay.Domain.Matching;
using CharityDay.Domain.Tests.Matching;
using Xunit;

namespace CharityDay.Domain.Tests.Giving;

/// <summary>SPEC §7 monthly pledges: a charge must match its pledge, a month is charged once, and pools that match pledge gifts only.</summary>
public sealed class PledgeBookTests
{
    private static readonly PledgeKey Pledge = new("tencent", "p1");
    private static readonly DonationKey First = new("tencent", "d1");

    private static PledgeBook Book()
    {
        var book = new PledgeBook();
        book.Set(Pledge, new PledgeTerms("proj1", "u1", 1000, 5, Active: true));
        return book;
    }

    [Fact]
    public void A_charge_must_match_the_pledges_project_donor_and_amount()
    {
        var book = Book();
        Assert.Equal(PledgeCheck.FirstCharge, book.Check(Pledge, "proj1", "u1", 1000, 100));
        Assert.Equal(PledgeCheck.NotAllowed, book.Check(Pledge, "proj2", "u1", 1000, 100));
        Assert.Equal(PledgeCheck.NotAllowed, book.Check(Pledge, "proj1", "u2", 1000, 100));
        Assert.Equal(PledgeCheck.NotAllowed, book.Check(Pledge, "proj1", "u1", 999, 100));
        Assert.Equal(PledgeCheck.NotAllowed, book.Check(Pledge with { PartnerId = "alipay" }, "proj1", "u1", 1000, 100));
    }

    [Fact]
    public void A_month_is_charged_once_and_the_next_charge_is_not_the_first()
    {
        var book = Book();
        book.Charge(Pledge, 100, First);
        Assert.Equal(PledgeCheck.AlreadyCharged, book.Check(Pledge, "proj1", "u1", 1000, 100));
        Assert.Equal(First, book.ChargeOf(Pledge, 100));
        Assert.Equal(PledgeCheck.LaterCharge, book.Check(Pledge, "proj1", "u1", 1000, 101));
    }

    [Fact]
    public void A_cancelled_pledge_takes_no_charge_and_leaves_the_projects_counts()
    {
        var book = Book();
        book.Set(new PledgeKey("tencent", "p2"), new PledgeTerms("proj1", "u2", 300, 28, Active: true));
        Assert.Equal((2, 1300L), book.OfProject("proj1"));

        book.Set(Pledge, new PledgeTerms("proj1", "u1", 1000, 5, Active: false));

        Assert.Equal(PledgeCheck.NotAllowed, book.Check(Pledge, "proj1", "u1", 1000, 100));
        Assert.Equal((1, 300L), book.OfProject("proj1"));
    }

    [Fact]
    public void Replacing_terms_moves_the_monthly_amount()
    {
        var book = Book();
        book.Set(Pledge, new PledgeTerms("proj2", "u1", 1500, 5, Active: true));
        Assert.Equal((0, 0L), book.OfProject("proj1"));
        Assert.Equal((1, 1500L), book.OfProject("proj2"));
    }

    [Fact]
    public void A_rebuild_reads_every_charge_again()
    {
        var book = Book();
        book.Charge(Pledge, 100, First);
        var snapshot = new CampaignLedgerSnapshot();
        snapshot.PledgeCharges.Add(("tencent", "p1", 99, "d0"));

        book.ClearCharges();
        snapshot.RestorePledgeCharges(book);

        Assert.Equal(PledgeCheck.LaterCharge, book.Check(Pledge, "proj1", "u1", 1000, 100));
        Assert.Equal(PledgeCheck.AlreadyCharged, book.Check(Pledge, "proj1", "u1", 1000, 99));
    }

    [Fact]
    public void Months_are_campaign_local_calendar_months()
    {
        Assert.Equal(PledgeBook.MonthOf(new DateOnly(2026, 1, 1)), PledgeBook.MonthOf(new DateOnly(2026, 1, 31)));
        Assert.Equal(PledgeBook.MonthOf(new DateOnly(2025, 12, 31)) + 1, PledgeBook.MonthOf(new DateOnly(2026, 1, 1)));
    }

    [Theory]
    [InlineData(false, false, 100, 100, 100)]
    [InlineData(true, false, 0, 100, 100)]
    [InlineData(false, true, 0, 100, 0)]
    [InlineData(true, true, 0, 100, 0)]
    public void PledgesOnly_matches_pledge_gifts_and_firstChargeOnly_a_pledges_first_gift(
        bool pledgesOnly, bool firstChargeOnly, long ordinaryMatch, long firstChargeMatch, long laterChargeMatch)
    {
        var pool = Scenario.Pool() with { PledgesOnly = pledgesOnly, FirstChargeOnly = firstChargeOnly };
        var ordinary = new DonationFacts(First, "u1", "proj1", 100, Scenario.LocalNoon);
        var firstCharge = ordinary with { IsPledgeGift = true, IsFirstCharge = true };
        var laterCharge = ordinary with { IsPledgeGift = true };
        var local = Scenario.LocalNoon.UtcDateTime;

        Assert.Equal(
            (ordinaryMatch, firstChargeMatch, laterChargeMatch),
            (MatchRule.Decide(pool, ordinary, local, default).AmountFen, MatchRule.Decide(pool, firstCharge, local, default).AmountFen,
                MatchRule.Decide(pool, laterCharge, local, default).AmountFen));
    }
}
