using CharityDay.Domain.Matching;
using Xunit;

namespace CharityDay.Domain.Tests.Matching;

public sealed class RandomRatioTests
{
    private static readonly RatioRange Range = new(5_000, 30_000);

    /// <summary>The seed every pool of these tests has (PoolRules' default): draws depend on it alone besides the ids.</summary>
    private static readonly byte[] Seed = new byte[RandomRatio.SeedBytes];

    private static PoolRules RandomPool(string poolId = "p1", RatioRange? range = null) =>
        Scenario.Pool(poolId, budgetFen: Money.MaxBudgetFen) with { RatioBps = null, RandomRatioBps = range ?? Range };

    [Fact]
    public void Random_ratio_is_always_within_its_range()
    {
        foreach (var i in Enumerable.Range(0, 2_000))
        {
            var ratio = RandomRatio.Draw(Range, Seed, "p1", Scenario.Partner, $"don{i}");

            Assert.InRange(ratio, Range.MinBps, Range.MaxBps);
        }
    }

    [Fact]
    public void Random_ratio_reaches_both_ends_of_a_narrow_range()
    {
        var narrow = new RatioRange(10_000, 10_002);

        var seen = Enumerable.Range(0, 300)
            .Select(i => RandomRatio.Draw(narrow, Seed, "p1", Scenario.Partner, $"don{i}"))
            .ToHashSet();

        Assert.Equal([10_000, 10_001, 10_002], seen.Order());
    }

    [Fact]
    public void Random_ratio_with_equal_bounds_is_that_ratio()
    {
        var s = new Scenario(RandomPool(range: new RatioRange(15_000, 15_000)));

        var match = Assert.Single(s.Give(100).Matches);

        Assert.Equal(new PoolMatch("p1", 150, 15_000), match);
    }

    [Fact]
    public void Same_pool_partner_and_donation_draw_the_same_ratio()
    {
        var first = RandomRatio.Draw(Range, Seed, "p1", Scenario.Partner, "don42");
        var again = RandomRatio.Draw(Range, Seed, "p1", Scenario.Partner, "don42");

        Assert.Equal(first, again);
    }

    [Fact]
    public void Replaying_the_donation_into_a_fresh_book_reproduces_the_ratio_and_match()
    {
        var a = new Scenario(RandomPool());
        var b = new Scenario(RandomPool());

        var original = a.Give(777);
        var replay = b.Give(777);

        Assert.Equal(original.Facts.Key, replay.Facts.Key);
        Assert.Equal(original.Matches, replay.Matches);
    }

    [Fact]
    public void Different_donations_spread_over_the_range()
    {
        var draws = Enumerable.Range(0, 1_000)
            .Select(i => RandomRatio.Draw(Range, Seed, "p1", Scenario.Partner, $"don{i}"))
            .ToList();

        // 1000 uniform draws over 25001 values: a handful of collisions at most, and every
        // fifth of the range gets roughly 200 draws.
        Assert.True(draws.Distinct().Count() > 950, $"distinct draws: expected > 950, actual {draws.Distinct().Count()}");
        var fifth = (Range.MaxBps - Range.MinBps + 1) / 5;
        foreach (var bucket in Enumerable.Range(0, 5))
        {
            var count = draws.Count(d => (d - Range.MinBps) / fifth == bucket);
            Assert.True(count is > 120 and < 280, $"draws in fifth {bucket}: expected 120..280, actual {count}");
        }
    }

    [Fact]
    public void Draw_depends_on_the_pool_and_the_partner_too()
    {
        var ids = Enumerable.Range(0, 200).Select(i => $"don{i}").ToList();
        var base_ = ids.Select(id => RandomRatio.Draw(Range, Seed, "p1", Scenario.Partner, id)).ToList();
        var otherPool = ids.Select(id => RandomRatio.Draw(Range, Seed, "p2", Scenario.Partner, id)).ToList();
        var otherPartner = ids.Select(id => RandomRatio.Draw(Range, Seed, "p1", Scenario.OtherPartner, id)).ToList();

        Assert.True(base_.Zip(otherPool).Count(x => x.First != x.Second) > 190, "another pool should draw differently");
        Assert.True(base_.Zip(otherPartner).Count(x => x.First != x.Second) > 190, "another partner should draw differently");
    }

    [Fact]
    public void Random_match_applies_the_drawn_ratio_and_returns_it()
    {
        var s = new Scenario(RandomPool());

        foreach (var amount in new long[] { 1, 99, 1_000, 12_345, 1_000_000 })
        {
            var given = s.Give(amount);
            var ratio = RandomRatio.Draw(Range, Seed, "p1", given.Facts.Key.PartnerId, given.Facts.Key.DonationId);

            var match = Assert.Single(given.Matches);

            Assert.Equal(new PoolMatch("p1", amount * ratio / 10_000, ratio), match);
        }
    }

    [Fact]
    public void Decision_reports_the_drawn_ratio_even_when_nothing_is_matched()
    {
        var pool = RandomPool() with { Paused = true };
        var facts = new DonationFacts(new DonationKey(Scenario.Partner, "don1"), "d1", Scenario.Project, 500, Scenario.LocalNoon);

        var decision = MatchRule.Decide(pool, facts, Scenario.LocalNoon.UtcDateTime.AddHours(8), default);

        Assert.Equal(new PoolMatch("p1", 0, RandomRatio.Draw(Range, Seed, "p1", Scenario.Partner, "don1")), decision);
    }

    [Fact]
    public void The_draw_is_the_spec_formula_over_an_hmac_keyed_by_the_seed()
    {
        var seed = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        var h = System.Security.Cryptography.HMACSHA256.HashData(seed, System.Text.Encoding.UTF8.GetBytes("pool-1\npartner-1\ndonation-1"));
        var first8 = h.Take(8).Aggregate(0UL, (acc, b) => (acc << 8) | b);
        var expected = 5_000 + (int)(first8 % (30_000 - 5_000 + 1));

        Assert.Equal(expected, RandomRatio.Draw(Range, seed, "pool-1", "partner-1", "donation-1"));
    }

    [Fact]
    public void Another_seed_draws_differently_so_ids_cannot_be_searched_without_it()
    {
        var other = Enumerable.Range(1, RandomRatio.SeedBytes).Select(i => (byte)i).ToArray();
        var ids = Enumerable.Range(0, 200).Select(i => $"don{i}").ToList();

        var differ = ids.Count(id => RandomRatio.Draw(Range, Seed, "p1", Scenario.Partner, id) != RandomRatio.Draw(Range, other, "p1", Scenario.Partner, id));

        Assert.True(differ > 190, $"another seed should draw differently: {differ} of 200 differ");
        Assert.Equal(64, RandomRatio.NewSeed().Length);
        Assert.NotEqual(RandomRatio.NewSeed(), RandomRatio.NewSeed());
    }
}
