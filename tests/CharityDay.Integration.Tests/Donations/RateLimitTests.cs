using CharityDay.Api.Partners;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>
/// SPEC §4: every partner has a limit in donations per second (its <c>rateLimit</c>, else the default),
/// a batch of N counts N, past it 429 with Retry-After, and every answer carries the RateLimit fields;
/// the refused donations leave no trace.
/// </summary>
public abstract class RateLimitTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task Donations_over_the_partners_rate_limit_are_429_and_can_be_retried()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 1_000_000L });
        var secret = await PartnerAsync(rateLimit: 5);

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            _api.DonateAsync(secret, $"rl-{i}", scene.Project, $"u{i}", 10)));

        var refused = answers.Select((a, i) => (Answer: a, Index: i)).Where(x => x.Answer.Code == 429).ToList();
        var accepted = answers.Count(a => a.Code == 201);
        Assert.True(refused.Count > 0, $"40 simultaneous donations at 5/s should meet a 429: {string.Join(',', answers.Select(a => a.Code))}");
        Assert.Equal(40, accepted + refused.Count);
        Assert.All(answers, a => Assert.Equal(5, RateLimitHeaderValues.Of(a).Quota));
        Assert.All(refused, r =>
        {
            Assert.Equal("application/problem+json", r.Answer.ContentType);
            Assert.Equal("rate-limited", TypeName(r.Answer));
            Assert.True(r.Answer.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, $"429 without a Retry-After of at least 1 s: {r.Answer}");
            Assert.Equal(0, RateLimitHeaderValues.Of(r.Answer).Remaining);
        });
        Assert.Equal((10L * accepted, 10L * accepted, (long)accepted), await scene.ProjectTotalsAsync());
        var read = await _api.GetDonationAsync(secret, $"rl-{refused[0].Index}");
        Assert.Equal(404, read.Code);
        Assert.Equal(5, RateLimitHeaderValues.Of(read).Quota); // reads carry the fields too, and cost nothing

        // After the advertised wait the partner retries the refused donation by its id.
        await Task.Delay(refused[0].Answer.Headers.RetryAfter!.Delta!.Value + TimeSpan.FromMilliseconds(200));
        var retry = await _api.DonateAsync(secret, $"rl-{refused[0].Index}", scene.Project, $"u{refused[0].Index}", 10);
        Assert.Equal(201, retry.Code);
        Assert.Equal(Matches.Expect((pool, 10)), Matches.Of(retry));
        Assert.InRange(RateLimitHeaderValues.Of(retry).Remaining, 0, 4);
    }

    [Fact]
    public async Task A_batch_is_charged_its_full_count()
    {
        var scene = await Scene.CreateAsync(_api);
        var secret = await PartnerAsync(rateLimit: 10);

        // Two batches of 8 at once against 10 per second: one passes, the other finds 2 left. (Both are
        // judged within milliseconds; the 6 they lack take 0.6 s to come back.)
        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(b => _api.PostBatchAsync(secret, new
        {
            donations = Enumerable.Range(0, 8).Select(i => new { donationId = $"b{b}-{i}", projectId = scene.Project, donorId = $"u{b}-{i}", amount = 10L }).ToArray(),
        })));

        Assert.Equal(new[] { 200, 429 }, answers.Select(a => a.Code).Order());
        var passed = answers.Single(a => a.Code == 200);
        var limited = answers.Single(a => a.Code == 429);
        Assert.Equal(8, passed["results"].AsArray().Count(r => r!["status"]!.GetValue<int>() == 201));
        Assert.Equal("rate-limited", TypeName(limited));
        Assert.True(limited.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, limited.ToString());
        Assert.InRange(RateLimitHeaderValues.Of(limited).Remaining, 2, 7);
        Assert.Equal((80L, 0L, 8L), await scene.ProjectTotalsAsync());
    }

    [Fact]
    public async Task A_batch_larger_than_the_limit_is_429_with_its_own_type_and_nothing_is_recorded()
    {
        var scene = await Scene.CreateAsync(_api);
        var secret = await PartnerAsync(rateLimit: 10);

        var answer = await _api.PostBatchAsync(secret, new
        {
            donations = Enumerable.Range(0, 11).Select(i => new { donationId = $"big-{i}", projectId = scene.Project, donorId = $"u{i}", amount = 10L }).ToArray(),
        });

        Assert.Equal(429, answer.Code);
        Assert.Equal("batch-over-rate-limit", TypeName(answer));
        Assert.Contains("at most 10 per batch", answer["detail"].GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(answer.Headers.RetryAfter);
        // Refused whole, it spent nothing: the full second's quota is still there.
        Assert.Equal(new RateLimitHeaderValues(10, 10, 0), RateLimitHeaderValues.Of(answer));
        var fits = await _api.PostBatchAsync(secret, new
        {
            donations = Enumerable.Range(0, 10).Select(i => new { donationId = $"ok-{i}", projectId = scene.Project, donorId = $"u{i}", amount = 10L }).ToArray(),
        });
        Assert.True(fits.Code == 200, $"a batch of exactly the limit into the untouched bucket: {fits}");
        Assert.Equal(404, (await _api.GetDonationAsync(secret, "big-0")).Code);
    }

    [Fact]
    public async Task A_partner_without_rateLimit_has_the_default_limit()
    {
        var partnerId = ApiClient.NewId("default");
        ApiClient.Ensure(await _api.Manager(HttpMethod.Put, $"/v1/admin/partners/{partnerId}", new { name = "No limit set" }), 201);
        var key = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "partner", partnerId });
        ApiClient.Ensure(key, 201);
        var secret = key["secret"].GetValue<string>();
        const int limit = PartnerRateLimitOptions.DefaultLimit;

        // Three batches of half the default at once: two pass, the third is over it. Their items are
        // invalid (no fields), so nothing is written: the batch still counts every item.
        var batch = new { donations = Enumerable.Range(0, limit / 2).Select(_ => new { }).ToArray() };
        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _api.PostBatchAsync(secret, batch)));

        Assert.Equal(new[] { 200, 200, 429 }, answers.Select(a => a.Code).Order());
        Assert.All(answers, a => Assert.Equal(limit, RateLimitHeaderValues.Of(a).Quota));
        Assert.Equal("rate-limited", TypeName(answers.Single(a => a.Code == 429)));
    }

    private async Task<string> PartnerAsync(int rateLimit)
    {
        var (_, secret) = await _api.CreatePartnerAsync(rateLimit);
        return secret;
    }

    private static string TypeName(ApiResponse answer) => answer["type"].GetValue<string>().Split('/')[^1];
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedRateLimitTests(EmbeddedDeployment deployment) : RateLimitTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresRateLimitTests(PostgresClusterDeployment deployment) : RateLimitTests(deployment);
