using System.Text.Json.Nodes;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>SPEC §4 batch: at most 1000 items, each judged on its own by the rules of a single post.</summary>
public abstract class BatchTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task A_batch_outside_1_to_1000_items_is_400_and_changes_nothing(int count)
    {
        var scene = await Scene.CreateAsync(_api);
        await scene.PoolAsync(new() { ["budget"] = 1000L });
        var before = await scene.TotalsAsync();
        var donations = Enumerable.Range(0, count).Select(i => new { donationId = $"b{i}", projectId = scene.Project, donorId = "u1", amount = 1L }).ToArray();

        var rejected = await _api.PostBatchAsync(scene.Key, new { donations });

        Assert.True(rejected.Code == 400, $"expected 400, got {rejected.Code} {rejected.Body[..Math.Min(300, rejected.Body.Length)]}");
        Assert.Equal("application/problem+json", rejected.ContentType);
        Assert.Equal(before, await scene.TotalsAsync());
        Assert.Equal(404, (await _api.GetDonationAsync(scene.Key, "b0")).Code);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"donations":{}}""")]
    [InlineData("""{"donations":"none"}""")]
    public async Task A_batch_without_a_donations_array_is_400(string body)
    {
        var scene = await Scene.CreateAsync(_api);

        var rejected = await _api.PostBatchAsync(scene.Key, body);

        Assert.True(rejected.Code == 400, $"expected 400, got {rejected}");
        Assert.Equal("application/problem+json", rejected.ContentType);
    }

    [Fact]
    public async Task Each_item_of_a_batch_succeeds_or_fails_on_its_own()
    {
        var scene = await Scene.CreateAsync(_api);
        var closed = await _api.CreateProjectAsync(scene.CampaignId, status: "closed");
        var pool = await scene.PoolAsync(new() { ["budget"] = 1000L, ["perDonorDailyCap"] = 150L });
        await scene.DonateNewAsync("u9", 40, donationId: "posted-before");
        var p = scene.Project;

        object[] donations =
        [
            new { donationId = "n1", projectId = p, donorId = "u1", amount = 100L },          // 0: new
            new { donationId = "bad", projectId = p, donorId = "u1", amount = 0L },           // 1: invalid amount
            new { donationId = "n1", projectId = p, donorId = "u1", amount = 100L },          // 2: duplicate of 0 in the batch
            new { donationId = "n1", projectId = p, donorId = "u1", amount = 101L },          // 3: conflicts with 0
            new { donationId = "n2", projectId = "no-such-project", donorId = "u1", amount = 5L }, // 4: unknown project
            new { donationId = "n3", projectId = closed, donorId = "u1", amount = 5L },       // 5: closed project
            new { donationId = "n4", projectId = p, donorId = "u1", amount = 5L, currency = "USD" }, // 6: currency
            new { donationId = "posted-before", projectId = p, donorId = "u9", amount = 40L }, // 7: replay of an earlier post
            new { donationId = "posted-before", projectId = p, donorId = "u9", amount = 41L }, // 8: conflict with an earlier post
            new { donationId = "n5", projectId = p, donorId = "u1", amount = 100L },          // 9: new, partial: donor cap 150 − 100
            "not an object",                                                                  // 10: not a donation
            new { donationId = "n6", projectId = p, donorId = "u2", amount = 7L },            // 11: new
        ];
        var response = await _api.PostBatchAsync(scene.Key, new { donations });

        ApiClient.Ensure(response, 200);
        var results = response["results"].AsArray();
        Assert.Equal(donations.Length, results.Count);
        for (var i = 0; i < results.Count; i++)
        {
            Assert.Equal(i, results[i]!["index"]!.GetValue<int>());
        }
        Assert.Equal("201,400,200,409,404,422,422,200,409,201,400,201", string.Join(',', results.Select(r => r!["status"]!.GetValue<int>())));
        foreach (var result in results)
        {
            var ok = result!["status"]!.GetValue<int>() < 300;
            Assert.True(ok ? result["donation"] is JsonObject && result["error"] is null : result["error"] is JsonObject && result["donation"] is null,
                $"a result carries a donation when it succeeded and an error otherwise: {result.ToJsonString()}");
        }
        Assert.Equal("amount", results[1]!["error"]!["field"]?.GetValue<string>());
        Assert.Equal(Matches.Expect((pool, 100)), Matches.Of(results[0]!["donation"]!));
        Assert.Equal(results[0]!["donation"]!["acceptedAt"]!.ToJsonString(), results[2]!["donation"]!["acceptedAt"]!.ToJsonString());
        Assert.True(results[2]!["donation"]!["replayed"]!.GetValue<bool>());
        Assert.True(results[7]!["donation"]!["replayed"]!.GetValue<bool>());
        Assert.Equal(Matches.Expect((pool, 50)), Matches.Of(results[9]!["donation"]!));
        Assert.Equal(Matches.Expect((pool, 7)), Matches.Of(results[11]!["donation"]!));

        Assert.Equal((40L + 100 + 100 + 7, 40L + 100 + 50 + 7, 4L), await scene.ProjectTotalsAsync());
        Assert.Equal((197L, 1000L - 197), await scene.PoolUsageAsync(pool));
        var closedView = await _api.GetProjectAsync(closed);
        Assert.Equal((0L, 0L), (closedView.Long("raised"), closedView.Long("donationCount")));
        Assert.Equal(404, (await _api.GetDonationAsync(scene.Key, "bad")).Code);
        Assert.Equal(404, (await _api.GetDonationAsync(scene.Key, "n3")).Code);
    }

    [Fact]
    public async Task A_full_batch_of_1000_is_accepted_in_order_and_replayed_whole()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 2500L });
        var donations = Enumerable.Range(0, 1000).Select(i => new { donationId = $"full-{i}", projectId = scene.Project, donorId = $"u{i % 37}", amount = 3L }).ToArray();

        var response = await _api.PostBatchAsync(scene.Key, new { donations });
        ApiClient.Ensure(response, 200);
        var results = response["results"].AsArray();
        Assert.Equal(Enumerable.Repeat(201, 1000), results.Select(r => r!["status"]!.GetValue<int>()));
        // Matched in input order: the first 833 get 3, the 834th the last 1 fen, the rest nothing.
        var matched = results.Select(r => Matches.From(r!["donation"]!, pool)).ToList();
        Assert.Equal(Enumerable.Repeat(3L, 833).Append(1L).Concat(Enumerable.Repeat(0L, 166)), matched);
        Assert.Equal((3000L, 2500L, 1000L), await scene.ProjectTotalsAsync());
        Assert.Equal((2500L, 0L), await scene.PoolUsageAsync(pool));

        var replay = await _api.PostBatchAsync(scene.Key, new { donations });
        ApiClient.Ensure(replay, 200);
        var replayed = replay["results"].AsArray();
        Assert.Equal(Enumerable.Repeat(200, 1000), replayed.Select(r => r!["status"]!.GetValue<int>()));
        Assert.Equal(matched, replayed.Select(r => Matches.From(r!["donation"]!, pool)));
        Assert.Equal((3000L, 2500L, 1000L), await scene.ProjectTotalsAsync());
    }

    [Fact]
    public async Task A_batch_may_span_campaigns()
    {
        var first = await Scene.CreateAsync(_api);
        var second = await Scene.CreateAsync(_api);
        var pool = await second.PoolAsync(new() { ["budget"] = 1000L });

        var response = await _api.PostBatchAsync(first.Key, new
        {
            donations = new[]
            {
                new { donationId = "x-1", projectId = first.Project, donorId = "u1", amount = 10L },
                new { donationId = "x-2", projectId = second.Project, donorId = "u1", amount = 20L },
                new { donationId = "x-1", projectId = second.Project, donorId = "u1", amount = 10L },
            },
        });

        ApiClient.Ensure(response, 200);
        var statuses = response["results"].AsArray().Select(r => r!["status"]!.GetValue<int>()).ToList();
        Assert.Equal([201, 201, 409], statuses);
        Assert.Equal((10L, 0L, 1L), await first.ProjectTotalsAsync());
        Assert.Equal((20L, 20L, 1L), await second.ProjectTotalsAsync());
        Assert.Equal((20L, 980L), await second.PoolUsageAsync(pool));
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedBatchTests(EmbeddedDeployment deployment) : BatchTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresBatchTests(PostgresClusterDeployment deployment) : BatchTests(deployment);
