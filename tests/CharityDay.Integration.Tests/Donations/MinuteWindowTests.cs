using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>
/// SPEC §3 abuse rule: a donor's donations beyond perDonorMinuteCount in a rolling minute get no
/// match from the pool. The one test of the suite that has to let a real minute pass.
/// </summary>
public abstract class MinuteWindowTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task Donations_beyond_the_per_minute_count_get_no_match_until_the_minute_has_rolled()
    {
        var scene = await Scene.CreateAsync(_api);
        var limited = await scene.PoolAsync(new() { ["perDonorMinuteCount"] = 3 });

        var burst = new List<ApiResponse>();
        for (var i = 0; i < 4; i++)
        {
            burst.Add(await scene.DonateNewAsync("farmer", 10 + i));
        }
        var other = await scene.DonateNewAsync("honest", 7);

        Assert.Equal(
            string.Join(" | ", [Matches.Expect((limited, 10)), Matches.Expect((limited, 11)), Matches.Expect((limited, 12)), ""]),
            string.Join(" | ", burst.Select(Matches.Of)));
        Assert.Equal(Matches.Expect((limited, 7)), Matches.Of(other));

        // Every one of the burst counts in the window, matched or not: wait until the last has left it.
        var last = burst[^1]["acceptedAt"].GetValue<DateTimeOffset>();
        var wait = last.AddSeconds(61) - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
        var later = await scene.DonateNewAsync("farmer", 20);
        Assert.Equal(Matches.Expect((limited, 20)), Matches.Of(later));
        Assert.Equal((10L + 11 + 12 + 7 + 20, 1_000_000L - (10 + 11 + 12 + 7 + 20)), await scene.PoolUsageAsync(limited));
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedMinuteWindowTests(EmbeddedDeployment deployment) : MinuteWindowTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresMinuteWindowTests(PostgresClusterDeployment deployment) : MinuteWindowTests(deployment);
