using CharityDay.Api.ReadSide;
using Microsoft.Extensions.Time.Testing;

namespace CharityDay.Integration.Tests.Public;

/// <summary>The bounded cache of recent directory misses: an entry counts for its time only, and the cache never outgrows its size.</summary>
public sealed class MissCacheTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromMilliseconds(500);

    [Fact]
    public void A_miss_counts_until_its_time_is_up_and_not_a_tick_longer()
    {
        var time = new FakeTimeProvider();
        var misses = new MissCache<string>(capacity: 10, Ttl, time);
        misses.Add("p-unknown");
        Assert.True(misses.Contains("p-unknown"));
        time.Advance(Ttl - TimeSpan.FromTicks(1));
        Assert.True(misses.Contains("p-unknown"));
        time.Advance(TimeSpan.FromTicks(1));
        Assert.False(misses.Contains("p-unknown"));
        Assert.Equal(0, misses.Count);
    }

    [Fact]
    public void A_removed_miss_is_forgotten_at_once()
    {
        var misses = new MissCache<string>(capacity: 10, Ttl, new FakeTimeProvider());
        misses.Add("p-new");
        misses.Remove("p-new");
        Assert.False(misses.Contains("p-new"));
    }

    [Fact]
    public void A_flood_of_distinct_ids_never_holds_more_than_the_capacity()
    {
        const int capacity = 100;
        var misses = new MissCache<string>(capacity, Ttl, new FakeTimeProvider());
        var largest = 0;
        for (var i = 0; i < 100_000; i++)
        {
            misses.Add("x-" + i);
            largest = Math.Max(largest, misses.Count);
        }
        Assert.True(largest == capacity, $"expected at most {capacity} entries at any time, saw {largest}");
        Assert.True(misses.Contains("x-99999"), "the latest miss is kept");
    }
}
