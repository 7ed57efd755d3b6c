using CharityDay.Domain.Writing;
using Xunit;

namespace CharityDay.Domain.Tests.Writing;

public sealed class RecentRowsTests
{
    private static DonationKey Key(int i) => new("partner", $"d{i}");

    [Fact]
    public void The_oldest_row_leaves_first_and_the_cache_stays_within_its_capacity()
    {
        var rows = new RecentRows<string>(capacity: 3);
        for (var i = 0; i < 5; i++)
        {
            rows.Set(Key(i), $"row{i}");
        }

        Assert.Equal(3, rows.Count);
        Assert.Null(rows.Get(Key(0)));
        Assert.Null(rows.Get(Key(1)));
        Assert.Equal("row4", rows.Get(Key(4)));
    }

    /// <summary>A refunded row is removed and cached again: it must not be evicted for the place it had before.</summary>
    [Fact]
    public void A_key_removed_and_set_again_takes_a_new_place()
    {
        var rows = new RecentRows<string>(capacity: 3);
        rows.Set(Key(1), "old");
        rows.Set(Key(2), "row2");
        rows.Remove(Key(1));
        rows.Set(Key(1), "refunded");
        rows.Set(Key(3), "row3");
        rows.Set(Key(4), "row4");

        Assert.Equal("refunded", rows.Get(Key(1)));
        Assert.Null(rows.Get(Key(2)));
        Assert.Equal(3, rows.Count);
    }

    [Fact]
    public void Removing_many_keys_leaves_nothing_behind()
    {
        var rows = new RecentRows<string>(capacity: 10);
        for (var i = 0; i < 1_000; i++)
        {
            rows.Set(Key(i), "row");
            rows.Remove(Key(i));
        }

        Assert.Equal(0, rows.Count);
        rows.Set(Key(-1), "row");
        Assert.Equal("row", rows.Get(Key(-1)));
    }
}
