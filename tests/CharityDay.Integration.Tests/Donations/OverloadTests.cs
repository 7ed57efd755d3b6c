using System.Text.Json.Nodes;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>
/// Issue 5, overload: a saturated campaign sheds load at once with 429 + Retry-After (its write
/// queue is bounded), and what it sheds leaves no trace — no donation, no match, no total.
/// A deliberately small queue (1,000 donations, the smallest allowed) makes the flood certain.
/// </summary>
public sealed class OverloadTests : IAsyncLifetime
{
    private const int Batches = 16;
    private const int PerBatch = 1000;
    private readonly EmbeddedDeployment _deployment = new()
    {
        Settings = new Dictionary<string, string> { ["CharityDay__MaxPendingDonations"] = "1000" },
    };

    public Task InitializeAsync() => _deployment.InitializeAsync();

    public Task DisposeAsync() => _deployment.DisposeAsync();

    [Fact]
    public async Task A_flooded_campaign_sheds_with_429_and_retry_after_and_keeps_exact_totals()
    {
        var api = _deployment.Api();
        var campaign = await api.CreateCampaignAsync();
        var project = await api.CreateProjectAsync(campaign);
        var pool = await api.CreatePoolAsync(campaign, new() { ["budget"] = 1_000_000_000L, ["ratioBps"] = 10_000 });
        var (_, key) = await api.CreatePartnerAsync();

        var floods = Enumerable.Range(0, Batches).Select(b => api.PostBatchAsync(key, new
        {
            donations = Enumerable.Range(0, PerBatch).Select(i => new { donationId = $"b{b}-{i}", projectId = project, donorId = $"u{b}-{i}", amount = 100L }).ToArray(),
        })).ToList();
        var singles = Enumerable.Range(0, 64).Select(i => api.DonateAsync(key, $"s-{i}", project, $"s-{i}", 100)).ToList();
        var batchAnswers = await Task.WhenAll(floods);
        var singleAnswers = await Task.WhenAll(singles);

        var accepted = new List<string>();
        var shed = new List<string>();
        foreach (var (answer, b) in batchAnswers.Select((a, b) => (a, b)))
        {
            ApiClient.Ensure(answer, 200);
            var items = answer["results"].AsArray();
            var itemsShed = 0;
            foreach (var item in items)
            {
                var index = item!["index"]!.GetValue<int>();
                var status = item["status"]!.GetValue<int>();
                Assert.True(status is 201 or 429, $"item {index} of batch {b}: {item.ToJsonString()}");
                (status == 201 ? accepted : shed).Add($"b{b}-{index}");
                if (status == 429)
                {
                    itemsShed++;
                    Assert.Equal("overloaded", TypeName(item["error"]!));
                }
            }
            Assert.Equal(itemsShed > 0, answer.Headers.RetryAfter is not null);
        }
        foreach (var (answer, i) in singleAnswers.Select((a, i) => (a, i)))
        {
            Assert.True(answer.Code is 201 or 429, answer.ToString());
            if (answer.Code == 429)
            {
                Assert.Equal("1", answer.Headers.RetryAfter?.ToString());
                Assert.Equal("application/problem+json", answer.ContentType);
                shed.Add($"s-{i}");
            }
            else
            {
                accepted.Add($"s-{i}");
            }
        }
        Assert.True(shed.Count > 0, $"nothing was shed: {accepted.Count} accepted; the queue bound did not hold");
        Assert.True(accepted.Count > 0, "everything was shed");

        // Shed donations were never written; accepted ones are all there, and the totals are theirs.
        foreach (var id in shed.Take(50))
        {
            Assert.Equal(404, (await api.GetDonationAsync(key, id)).Code);
        }
        var totals = await api.GetProjectAsync(project);
        Assert.Equal(accepted.Count * 100L, totals["raised"].GetValue<long>());
        Assert.Equal(accepted.Count * 100L, (await api.GetPoolAsync(pool)).Long("matched"));

        // Shed is not lost for good: the same ids, resent once the flood is over, are accepted.
        var again = shed[0];
        var resent = await api.DonateAsync(key, again, project, again.StartsWith("s-", StringComparison.Ordinal) ? again : "u" + again[1..], 100);
        Assert.True(resent.Code == 201, resent.ToString());
    }

    private static string TypeName(JsonNode error) => error["type"]!.GetValue<string>().Split('/')[^1];
}
