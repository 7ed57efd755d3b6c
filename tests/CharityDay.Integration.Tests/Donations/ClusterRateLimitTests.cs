using System.Diagnostics;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>
/// SPEC §5: in production a partner's rate limit is shared through Redis, so spreading posts over
/// three silos does not multiply it.
/// </summary>
[Collection(PostgresClusterCollection.Name)]
public sealed class ClusterRateLimitTests(PostgresClusterDeployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task A_partners_rate_limit_holds_across_all_silos()
    {
        const int limitPerSecond = 10;
        var scene = await Scene.CreateAsync(_api);
        var partnerId = ApiClient.NewId("limited");
        ApiClient.Ensure(await _api.Manager(HttpMethod.Put, $"/v1/admin/partners/{partnerId}", new { name = "Limited", rateLimit = limitPerSecond }), 201);
        var key = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "partner", partnerId });
        ApiClient.Ensure(key, 201);
        var secret = key["secret"].GetValue<string>();

        var clock = Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, 90).Select(i =>
            _api.DonateAsync(secret, $"crl-{i}", scene.Project, $"u{i}", 10)));
        var seconds = (int)Math.Ceiling(clock.Elapsed.TotalSeconds);

        var accepted = answers.Count(a => a.Code == 201);
        // One bucket of `limit` refilled at `limit`/s lets at most limit × (1 + elapsed) through; three
        // silo-local buckets would let 3 × limit through at once.
        var allowed = limitPerSecond * (seconds + 1);
        Assert.True(accepted <= allowed, $"{accepted} donations accepted in {seconds}s over 3 silos; a shared limit of {limitPerSecond}/s allows at most {allowed}");
        Assert.True(accepted >= limitPerSecond, $"only {accepted} accepted: the limit should let {limitPerSecond} through");
        Assert.Equal(90, accepted + answers.Count(a => a.Code == 429));
        Assert.Equal((10L * accepted, 0L, (long)accepted), await scene.ProjectTotalsAsync());
    }

    [Fact]
    public async Task A_bucket_emptied_on_one_silo_is_empty_on_the_others()
    {
        const int limit = 100;
        var (_, secret) = await _api.CreatePartnerAsync(limit);
        // Invalid items: nothing is written, yet each counts (SPEC §4: a batch of N counts N).
        var batch = new { donations = Enumerable.Range(0, limit).Select(_ => new { }).ToArray() };
        using var first = new HttpClient { BaseAddress = deployment.Hosts[0].BaseAddress };
        using var second = new HttpClient { BaseAddress = deployment.Hosts[1].BaseAddress };

        var emptied = await _api.PostBatchAsync(secret, batch, first);
        var elsewhere = await _api.PostBatchAsync(secret, batch, second);

        Assert.Equal(200, emptied.Code);
        Assert.Equal(0, RateLimitHeaderValues.Of(emptied).Remaining);
        // A bucket per silo would let the second silo take a full second's quota again.
        Assert.True(elsewhere.Code == 429, $"silo 1 took {limit} more donations right after silo 0 emptied the shared bucket: {elsewhere}");
        Assert.True(RateLimitHeaderValues.Of(elsewhere).Remaining < limit, elsewhere.ToString());
    }
}
