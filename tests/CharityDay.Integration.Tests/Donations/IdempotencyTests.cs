using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>SPEC §2: (partnerId, donationId) identifies a donation forever.</summary>
public abstract class IdempotencyTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task A_new_donation_is_201_and_its_replay_200_with_the_original_result()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 1000L, ["ratioBps"] = 5000 });
        var body = new { donationId = "once", projectId = scene.Project, donorId = "u1", amount = 301L, currency = "CNY", occurredAt = "2026-09-09T10:00:00+08:00", teamId = "t1", channel = "app" };

        var created = await _api.PostDonationAsync(scene.Key, body);
        ApiClient.Ensure(created, 201);
        Assert.False(created["replayed"].GetValue<bool>());
        Assert.Equal(("once", scene.PartnerId, scene.Project, "u1", 301L, "accepted"),
            (created["donationId"].GetValue<string>(), created["partnerId"].GetValue<string>(), created["projectId"].GetValue<string>(),
             created["donorId"].GetValue<string>(), created.Long("amount"), created["status"].GetValue<string>()));
        Assert.Equal(Matches.Expect((pool, 150)), Matches.Of(created));
        Assert.Equal(150, created.Long("matchedTotal"));
        var totals = await scene.TotalsAsync();

        for (var i = 0; i < 3; i++)
        {
            var replay = await _api.PostDonationAsync(scene.Key, body);
            ApiClient.Ensure(replay, 200);
            Assert.True(replay["replayed"].GetValue<bool>(), replay.Body);
            Assert.Equal(created.Body.Replace("\"replayed\":false", "\"replayed\":true", StringComparison.Ordinal), replay.Body);
        }
        Assert.Equal(totals, await scene.TotalsAsync());
        Assert.Equal((301L, 150L, 1L), await scene.ProjectTotalsAsync());
    }

    [Fact]
    public async Task Omitting_the_default_currency_is_the_same_payload()
    {
        var scene = await Scene.CreateAsync(_api);
        var created = await _api.PostDonationAsync(scene.Key, new { donationId = "cny", projectId = scene.Project, donorId = "u1", amount = 5L, currency = "CNY" });
        var replay = await _api.PostDonationAsync(scene.Key, new { donationId = "cny", projectId = scene.Project, donorId = "u1", amount = 5L });

        ApiClient.Ensure(created, 201);
        ApiClient.Ensure(replay, 200);
        Assert.Equal(created["acceptedAt"].ToJsonString(), replay["acceptedAt"].ToJsonString());
    }

    [Theory]
    [InlineData("amount")]
    [InlineData("projectId")]
    [InlineData("donorId")]
    [InlineData("teamId")]
    [InlineData("occurredAt")]
    public async Task The_same_donationId_with_a_different_payload_is_409_and_changes_nothing(string changed)
    {
        var scene = await Scene.CreateAsync(_api, projects: 2);
        await scene.PoolAsync(new() { ["budget"] = 1000L });
        var original = new Dictionary<string, object?>
        {
            ["donationId"] = "dup", ["projectId"] = scene.Projects[0], ["donorId"] = "u1", ["amount"] = 100L,
            ["teamId"] = "t1", ["occurredAt"] = "2026-09-09T10:00:00Z",
        };
        ApiClient.Ensure(await _api.PostDonationAsync(scene.Key, original), 201);
        var totals = await scene.TotalsAsync();

        var different = new Dictionary<string, object?>(original)
        {
            [changed] = changed switch
            {
                "amount" => 101L,
                "projectId" => scene.Projects[1],
                "donorId" => "u2",
                "teamId" => "t2",
                _ => "2026-09-09T10:00:01Z",
            },
        };
        var conflict = await _api.PostDonationAsync(scene.Key, different);

        Assert.Equal(409, conflict.Code);
        Assert.Equal("application/problem+json", conflict.ContentType);
        Assert.EndsWith("idempotency-conflict", conflict["type"].GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(totals, await scene.TotalsAsync());
        var read = await _api.GetDonationAsync(scene.Key, "dup");
        Assert.Equal((100L, scene.Projects[0]), (read.Long("amount"), read["projectId"].GetValue<string>()));
    }

    [Fact]
    public async Task The_same_donation_posted_by_20_concurrent_callers_is_one_donation()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 1000L });
        var body = new { donationId = "hot", projectId = scene.Project, donorId = "u1", amount = 77L };
        var clients = deployment.Hosts.Select(_ => deployment.Client()).ToArray();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => _api.PostDonationAsync(scene.Key, body, clients[i % clients.Length])));
        var codes = string.Join(',', responses.Select(r => r.Code).Order());
        Assert.Equal("200,200,200,200,200,200,200,200,200,200,200,200,200,200,200,200,200,200,200,201", codes);
        Assert.Single(responses.Select(r => r["acceptedAt"].ToJsonString()).Distinct());
        Assert.Single(responses.Select(r => Matches.Of(r)).Distinct());
        Assert.Equal(Matches.Expect((pool, 77)), Matches.Of(responses[0]));
        Assert.Equal((77L, 77L, 1L), await scene.ProjectTotalsAsync());
        Assert.Equal((77L, 923L), await scene.PoolUsageAsync(pool));
    }

    [Fact]
    public async Task Concurrent_posts_of_one_donationId_with_different_payloads_keep_exactly_one()
    {
        var scene = await Scene.CreateAsync(_api);
        var clients = deployment.Hosts.Select(_ => deployment.Client()).ToArray();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            _api.PostDonationAsync(scene.Key, new { donationId = "contested", projectId = scene.Project, donorId = "u1", amount = 10L + (i % 2) }, clients[i % clients.Length])));
        var winner = Assert.Single(responses, r => r.Code == 201);
        var amount = winner.Long("amount");
        Assert.All(responses.Where(r => r != winner), r => Assert.Equal(r.Json?["amount"]?.GetValue<long>() == amount ? 200 : 409, r.Code));
        Assert.Equal((amount, 0L, 1L), await scene.ProjectTotalsAsync());
    }

    [Fact]
    public async Task The_same_donationId_from_two_partners_is_two_donations()
    {
        var scene = await Scene.CreateAsync(_api);
        var (otherPartner, otherKey) = await _api.CreatePartnerAsync();

        var mine = await scene.DonateNewAsync("u1", 10, donationId: "shared-id");
        var theirs = await scene.DonateNewAsync("u1", 20, donationId: "shared-id", key: otherKey);

        Assert.Equal((scene.PartnerId, otherPartner), (mine["partnerId"].GetValue<string>(), theirs["partnerId"].GetValue<string>()));
        Assert.Equal((30L, 0L, 2L), await scene.ProjectTotalsAsync());
        Assert.Equal(10, (await _api.GetDonationAsync(scene.Key, "shared-id")).Long("amount"));
        Assert.Equal(20, (await _api.GetDonationAsync(otherKey, "shared-id")).Long("amount"));
    }

    [Fact]
    public async Task A_partner_reads_its_own_donation_only()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 1000L });
        var created = await scene.DonateNewAsync("u1", 42, donationId: "private");
        var (_, otherKey) = await _api.CreatePartnerAsync();

        var own = await _api.GetDonationAsync(scene.Key, "private");
        var foreign = await _api.GetDonationAsync(otherKey, "private");
        var unknown = await _api.GetDonationAsync(scene.Key, "no-such-donation");
        var anonymous = await _api.SendAsync(HttpMethod.Get, "/v1/donations/private");

        ApiClient.Ensure(own, 200);
        Assert.Equal(created.Body, own.Body);
        Assert.Equal(Matches.Expect((pool, 42)), Matches.Of(own));
        Assert.Equal((404, 404, 401), (foreign.Code, unknown.Code, anonymous.Code));
        Assert.Equal("application/problem+json", foreign.ContentType);
        // The 404 says nothing of the other partner's donation (its donor, its amount).
        Assert.Null(foreign.Json?["donorId"]);
        Assert.Null(foreign.Json?["amount"]);
        Assert.DoesNotContain("u1", foreign.Json?["detail"]?.GetValue<string>() ?? "", StringComparison.Ordinal);
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedIdempotencyTests(EmbeddedDeployment deployment) : IdempotencyTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresIdempotencyTests(PostgresClusterDeployment deployment) : IdempotencyTests(deployment);
