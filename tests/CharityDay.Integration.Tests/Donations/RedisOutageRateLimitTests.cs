using System.Diagnostics;
using CharityDay.Integration.Tests.Infrastructure;
using CharityDay.Integration.Tests.Telemetry;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>
/// SPEC §5: if Redis fails, donations go on — each silo falls back to its share of every partner's
/// limit (limit ÷ live silos) — and an alert's metric says so; when Redis is back, the cluster shares
/// one bucket again. Three silos on a Redis of this test's own, which it kills and restarts.
/// </summary>
public sealed class RedisOutageRateLimitTests : IAsyncLifetime
{
    private const int Limit = 300;
    private const int Share = Limit / PostgresClusterDeployment.SiloCount;
    private const string FallbackGauge = "charityday_ratelimit_fallback";

    private readonly RedisServer _redis = new();
    private PostgresClusterDeployment _deployment = null!;
    private HttpClient[] _silos = [];

    public async Task InitializeAsync()
    {
        await _redis.StartAsync();
        _deployment = new PostgresClusterDeployment { Redis = _redis.ConnectionString };
        await _deployment.InitializeAsync();
        _silos = [.. _deployment.Hosts.Select(h => new HttpClient { BaseAddress = h.BaseAddress, Timeout = TimeSpan.FromSeconds(30) })];
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            silo.Dispose();
        }
        await _deployment.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Donations_go_on_at_each_silos_share_while_Redis_is_down_and_the_limit_is_shared_again_when_it_is_back()
    {
        var api = _deployment.Api();

        // Redis up: a bucket emptied on silo 0 is empty on silo 1.
        await WaitForFallbackAsync(api, expected: 0, "before the outage");
        await AssertSharedAsync(api, "before the outage");

        await _redis.KillAsync();

        // Redis down: every post is answered at once, none with 5xx, each silo at its own share.
        var (_, during) = await api.CreatePartnerAsync(Limit);
        for (var silo = 0; silo < _silos.Length; silo++)
        {
            var clock = Stopwatch.StartNew();
            var fits = await BatchAsync(api, during, silo, Share);
            var elapsedMs = clock.ElapsedMilliseconds;
            Assert.True(fits.Code == 200, $"silo {silo}: a batch of its share ({Share}) with Redis down: {fits}");
            Assert.True(elapsedMs < 1_000, $"silo {silo} took {elapsedMs} ms to answer with Redis down: it should fall back after a short timeout");
            Assert.Equal(Limit, RateLimitHeaderValues.Of(fits).Quota);
            // The share is spent on this silo: the rest of the partner's limit is not here.
            var over = await BatchAsync(api, during, silo, Share);
            Assert.True(over.Code == 429, $"silo {silo}: a second share within a second with Redis down: {over}");
        }
        await WaitForFallbackAsync(api, expected: 1, "after Redis died");

        await _redis.StartAsync();

        // Each silo's circuit lets a probe through every second: traffic brings shared counting back.
        await WaitForFallbackAsync(api, expected: 0, "after Redis came back");
        await AssertSharedAsync(api, "after the outage");
    }

    private async Task AssertSharedAsync(ApiClient api, string when)
    {
        var (_, secret) = await api.CreatePartnerAsync(Limit);
        var emptied = await BatchAsync(api, secret, 0, Limit);
        Assert.True(emptied.Code == 200, $"{when}: silo 0, a batch of the whole limit into a fresh bucket: {emptied}");
        var elsewhere = await BatchAsync(api, secret, 1, Limit);
        Assert.True(elsewhere.Code == 429, $"{when}: silo 1 took the whole limit again right after silo 0 emptied it: not shared: {elsewhere}");
    }

    /// <summary>Polls every silo's fallback gauge, posting one donation to each between polls (a circuit only moves on traffic).</summary>
    private async Task WaitForFallbackAsync(ApiClient api, int expected, string when)
    {
        var (_, probe) = await api.CreatePartnerAsync(Limit);
        var clock = Stopwatch.StartNew();
        double[] gauges = [];
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            for (var silo = 0; silo < _silos.Length; silo++)
            {
                var answer = await BatchAsync(api, probe, silo, 1);
                Assert.True(answer.Code is 200 or 429, $"{when}: silo {silo} answered {answer}");
            }
            var scrapes = await Task.WhenAll(_silos.Select(PrometheusScrape.FromAsync));
            gauges = [.. scrapes.Select(s => s.Single(FallbackGauge))];
            if (gauges.All(g => g == expected))
            {
                return;
            }
            await Task.Delay(250);
        }
        Assert.Fail($"{when}: {FallbackGauge} per silo is [{string.Join(", ", gauges)}] after 30 s, expected {expected} on every silo");
    }

    /// <summary>A batch of <paramref name="count"/> invalid items to one silo: nothing is written, every item counts.</summary>
    private Task<ApiResponse> BatchAsync(ApiClient api, string secret, int silo, int count) =>
        api.PostBatchAsync(secret, new { donations = Enumerable.Range(0, count).Select(_ => new { }).ToArray() }, _silos[silo]);
}
