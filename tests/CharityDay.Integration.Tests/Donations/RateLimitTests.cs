using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>SPEC §4: a partner over its rate limit gets 429 with Retry-After, and the refused donations leave no trace.</summary>
public abstract class RateLimitTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task Donations_over_the_partners_rate_limit_are_429_and_can_be_retried()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 1_000_000L });
        var partnerId = ApiClient.NewId("limited");
        ApiClient.Ensure(await _api.Manager(HttpMethod.Put, $"/v1/admin/partners/{partnerId}", new { name = "Limited", rateLimit = 5 }), 201);
        var key = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "partner", partnerId });
        ApiClient.Ensure(key, 201);
        var secret = key["secret"].GetValue<string>();

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            _api.DonateAsync(secret, $"rl-{i}", scene.Project, $"u{i}", 10)));

        var refused = answers.Select((a, i) => (Answer: a, Index: i)).Where(x => x.Answer.Code == 429).ToList();
        var accepted = answers.Count(a => a.Code == 201);
        Assert.True(refused.Count > 0, $"40 simultaneous donations at 5/s should meet a 429: {string.Join(',', answers.Select(a => a.Code))}");
        Assert.Equal(40, accepted + refused.Count);
        Assert.All(refused, r =>
        {
            Assert.Equal("application/problem+json", r.Answer.ContentType);
            Assert.True(r.Answer.Headers.RetryAfter is not null, $"429 without Retry-After: {r.Answer}");
        });
        Assert.Equal((10L * accepted, 10L * accepted, (long)accepted), await scene.ProjectTotalsAsync());
        Assert.Equal(404, (await _api.GetDonationAsync(secret, $"rl-{refused[0].Index}")).Code);

        // After the advertised wait the partner retries the refused donation by its id.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var retry = await _api.DonateAsync(secret, $"rl-{refused[0].Index}", scene.Project, $"u{refused[0].Index}", 10);
        Assert.Equal(201, retry.Code);
        Assert.Equal(Matches.Expect((pool, 10)), Matches.Of(retry));
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedRateLimitTests(EmbeddedDeployment deployment) : RateLimitTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresRateLimitTests(PostgresClusterDeployment deployment) : RateLimitTests(deployment);
