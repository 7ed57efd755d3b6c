using Xunit;
using CharityDay.Domain.Matching;
using CharityDay.Domain.Tests.Matching;

namespace CharityDay.Domain.Tests.Writing;

/// <summary>
/// Issue 18: the donors' days live in a bounded working set, and a donor who is not in it is read
/// from the ledger — never assumed to have been matched nothing.
/// </summary>
public sealed class DonorWorkingSetTests
{
    private const string Capped = "capped";

    private static PoolRules CappedPool() => Scenario.Pool(Capped, budgetFen: 10_000_000_000) with { PerDonorDailyCapFen = 1_000 };

    private static List<(string, long)> OtherDonors(int from, int count) =>
        [.. Enumerable.Range(from, count).Select(i => ($"other{i}", 100L))];

    private static void PushOut(WritePathHarness harness, string donor, int others)
    {
        for (var i = 0; i < others; i += 1_000)
        {
            harness.Give(OtherDonors(i, 1_000));
        }
        Assert.Null(harness.Write.Book.Donors.Peek(new DonorKey(WritePathHarness.Partner, donor)));
        Assert.True(harness.Write.Book.Donors.Count <= 1_000);
    }

    [Fact]
    public void A_donor_at_the_cap_pushed_out_of_the_working_set_gets_nothing_more()
    {
        var harness = new WritePathHarness(donorsKept: 1_000, CappedPool());
        Assert.Equal(1_000, harness.Give("x", 1_500));
        PushOut(harness, "x", others: 5_000);
        var loadedBefore = harness.DonorsLoaded;

        Assert.Equal(0, harness.Give("x", 800));
        Assert.Equal(loadedBefore + 1, harness.DonorsLoaded);
    }

    [Fact]
    public void A_donor_at_the_cap_gets_nothing_more_after_a_restart()
    {
        var harness = new WritePathHarness(donorsKept: 1_000, CappedPool());
        Assert.Equal(1_000, harness.Give("x", 1_500));
        harness.Give(OtherDonors(0, 1_000));

        harness.Restart();

        Assert.Equal(0, harness.Write.Book.Donors.Count);
        Assert.Equal(0, harness.Give("x", 800));
        Assert.Equal(1_000 + (1_000 * 100), harness.Write.Book.MatchedFen(Capped));
    }

    [Fact]
    public void A_failed_commit_forgets_only_its_donors_and_they_are_read_again_from_the_ledger()
    {
        var harness = new WritePathHarness(donorsKept: 1_000, CappedPool());
        Assert.Equal(600, harness.Give("x", 600));
        harness.Give(OtherDonors(0, 500));

        // x is matched 300 more in memory, but the batch never reaches the ledger.
        harness.Give([("x", 300), ("y", 200)], commitFails: true);
        Assert.True(harness.Write.BookStale);
        Assert.Null(harness.Write.Book.Donors.Peek(new DonorKey(WritePathHarness.Partner, "x")));
        Assert.NotNull(harness.Write.Book.Donors.Peek(new DonorKey(WritePathHarness.Partner, "other0")));

        // The ledger holds 600 for x: 400 left under the cap, not 100 and not 1,000.
        Assert.Equal(400, harness.Give("x", 1_000));
        Assert.Equal(600 + 400 + (500 * 100), harness.Write.Book.MatchedFen(Capped));
    }

    [Fact]
    public void A_new_local_day_starts_every_donor_at_zero_and_frees_the_old_day()
    {
        var harness = new WritePathHarness(donorsKept: 10_000, CappedPool());
        harness.Now = new DateTimeOffset(2025, 9, 9, 23, 59, 0, TimeSpan.FromHours(8));
        Assert.Equal(1_000, harness.Give("x", 1_000));
        harness.Give(OtherDonors(0, 900));
        Assert.Equal(0, harness.Give("x", 500));

        harness.Now = new DateTimeOffset(2025, 9, 10, 0, 0, 1, TimeSpan.FromHours(8));
        Assert.Equal(500, harness.Give("x", 500));
        Assert.Equal(100, harness.Give("other1", 100));

        harness.Write.Book.Prune(harness.Now);
        // Only the two donors who gave on the new day are still held.
        Assert.Equal(2, harness.Write.Book.Donors.Count);
        Assert.Equal(1_000 + (900 * 100), harness.Write.Book.MatchedOnDayFen(Capped, new DateOnly(2025, 9, 9)));
    }

    [Fact]
    public void After_a_million_other_donors_the_book_holds_at_most_its_capacity_and_never_decides_for_a_donor_it_dropped()
    {
        var book = new MatchingBook(Scenario.Shanghai, new DonorWorkingSet(1_000)) { AllDonorsKnown = false };
        book.SetPool(CappedPool());
        var x = new DonorKey(Scenario.Partner, "x");
        book.LoadDonor(x, book.LocalDay(Scenario.LocalNoon), []);
        Assert.Equal(1_000, book.Accept(new DonationFacts(new DonationKey(Scenario.Partner, "first"), "x", Scenario.Project, 1_000, Scenario.LocalNoon)).Sum(m => m.AmountFen));

        for (var i = 0; i < 1_000_000; i++)
        {
            var donor = new DonorKey(Scenario.Partner, $"d{i}");
            book.LoadDonor(donor, book.LocalDay(Scenario.LocalNoon), []);
            book.Accept(new DonationFacts(new DonationKey(Scenario.Partner, $"k{i}"), donor.DonorId, Scenario.Project, 10, Scenario.LocalNoon));
            if (i % 500 == 0)
            {
                book.RotateDonors();
            }
        }

        Assert.True(book.Donors.Count <= 1_000, $"{book.Donors.Count} donors held");
        Assert.True(book.MustLoad(x, Scenario.Project));
        Assert.Throws<InvalidOperationException>(() =>
            book.Accept(new DonationFacts(new DonationKey(Scenario.Partner, "again"), "x", Scenario.Project, 500, Scenario.LocalNoon)));
        Assert.Null(book.KnownDonorDay(Capped, x, book.LocalDay(Scenario.LocalNoon)));
    }

    [Fact]
    public void A_donor_no_capped_pool_needs_is_never_loaded()
    {
        var harness = new WritePathHarness(donorsKept: 1_000, Scenario.Pool("uncapped", budgetFen: 10_000_000_000));
        harness.Restart();
        harness.Give(OtherDonors(0, 3_000));
        Assert.Equal(0, harness.DonorsLoaded);
    }

    [Fact]
    public void A_donation_in_the_millisecond_of_the_sums_mark_is_still_restored()
    {
        // The migration marks a ledger's sums through its latest donation; the next activation's clock
        // may read that very millisecond.
        var harness = new WritePathHarness(donorsKept: 1_000, CappedPool());
        harness.Give("x", 300);
        var latest = harness.Ledger.Rows.Max(r => r.AcceptedAt);
        harness.Ledger.Append([], sumsThrough: latest);
        harness.Now = latest;
        harness.Restart();

        harness.Give("y", 400);
        harness.Restart();

        Assert.Equal((700L, 2L), (harness.Write.Totals[WritePathHarness.Project].RaisedFen, harness.Write.Totals[WritePathHarness.Project].DonationCount));
        Assert.True(harness.Ledger.Rows.Last().AcceptedAt > latest);
    }
}
