using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>SPEC §3: want = floor(amount × ratioBps / 10000), fixed or drawn per donation.</summary>
public abstract class MatchingRatioTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Theory]
    [InlineData(10000, 7, 7)]
    [InlineData(5000, 3, 1)]
    [InlineData(5000, 1, 0)]
    [InlineData(20000, 7, 14)]
    [InlineData(3333, 10, 3)]
    [InlineData(15000, 100_000_000, 150_000_000)]
    public async Task Match_is_the_floor_of_amount_times_ratio(int ratioBps, long amount, long expected)
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 1_000_000_000L, ["ratioBps"] = ratioBps });

        var donation = await scene.DonateNewAsync("u1", amount);

        Assert.Equal(expected == 0 ? "" : Matches.Expect((pool, expected)), Matches.Of(donation));
        Assert.Equal(expected, donation.Long("matchedTotal"));
        if (expected > 0)
        {
            Assert.Equal(ratioBps, donation["matches"][0]!["ratioBps"]!.GetValue<int>());
        }
        var (matched, remaining) = await scene.PoolUsageAsync(pool);
        Assert.Equal((expected, 1_000_000_000L - expected), (matched, remaining));
    }

    [Fact]
    public async Task Random_ratio_is_drawn_in_range_stored_with_the_match_and_replayed_unchanged()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 10_000_000L, ["randomRatioBps"] = new { min = 5000, max = 15000 } });

        var ratios = new List<int>();
        for (var i = 0; i < 12; i++)
        {
            var donationId = $"rr-{i}";
            var donation = await scene.DonateNewAsync($"u{i}", 10_000, donationId: donationId);
            var match = Assert.Single(donation["matches"].AsArray());
            var ratio = match!["ratioBps"]!.GetValue<int>();
            Assert.InRange(ratio, 5000, 15000);
            // floor(10000 × ratio / 10000) = ratio: the match shows the ratio it used.
            Assert.Equal(ratio, match["amount"]!.GetValue<long>());
            ratios.Add(ratio);

            var replay = await scene.DonateAsync($"u{i}", 10_000, donationId: donationId);
            Assert.Equal(200, replay.Code);
            Assert.Equal(donation["matches"].ToJsonString(), replay["matches"].ToJsonString());
            var read = await _api.GetDonationAsync(scene.Key, donationId);
            Assert.Equal(donation["matches"].ToJsonString(), read["matches"].ToJsonString());
        }
        Assert.True(ratios.Distinct().Count() > 1, $"12 draws from [5000, 15000] should not all be equal: {string.Join(',', ratios)}");
        var (matched, _) = await scene.PoolUsageAsync(pool);
        Assert.Equal(ratios.Sum(r => (long)r), matched);
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedMatchingRatioTests(EmbeddedDeployment deployment) : MatchingRatioTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresMatchingRatioTests(PostgresClusterDeployment deployment) : MatchingRatioTests(deployment);
