using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>
/// SPEC §3 invariant 5 on the donation path: every rejected donation gets a problem+json naming
/// the offending field, and leaves no trace — no total moves and its donationId stays free.
/// </summary>
public abstract class DonationValidationTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    public static TheoryData<string, string, int, string> Invalid => new()
    {
        // name, JSON body with {P} for the project, expected status, offending field
        { "amount 0", """{"donationId":"x1","projectId":"{P}","donorId":"u1","amount":0}""", 400, "amount" },
        { "amount negative", """{"donationId":"x1","projectId":"{P}","donorId":"u1","amount":-5}""", 400, "amount" },
        { "amount above 1,000,000 yuan", """{"donationId":"x1","projectId":"{P}","donorId":"u1","amount":100000001}""", 400, "amount" },
        { "amount fractional", """{"donationId":"x1","projectId":"{P}","donorId":"u1","amount":1.5}""", 400, "amount" },
        { "amount as a string", """{"donationId":"x1","projectId":"{P}","donorId":"u1","amount":"5"}""", 400, "amount" },
        { "amount huge", """{"donationId":"x1","projectId":"{P}","donorId":"u1","amount":1e30}""", 400, "amount" },
        { "amount missing", """{"donationId":"x1","projectId":"{P}","donorId":"u1"}""", 400, "amount" },
        { "donationId missing", """{"projectId":"{P}","donorId":"u1","amount":5}""", 400, "donationId" },
        { "projectId missing", """{"donationId":"x1","donorId":"u1","amount":5}""", 400, "projectId" },
        { "donorId missing", """{"donationId":"x1","projectId":"{P}","amount":5}""", 400, "donorId" },
        { "donationId with a space", """{"donationId":"x 1","projectId":"{P}","donorId":"u1","amount":5}""", 400, "donationId" },
        { "donationId empty", """{"donationId":"","projectId":"{P}","donorId":"u1","amount":5}""", 400, "donationId" },
        { "donationId of 129 characters", """{"donationId":"LONG129","projectId":"{P}","donorId":"u1","amount":5}""", 400, "donationId" },
        { "donationId a number", """{"donationId":17,"projectId":"{P}","donorId":"u1","amount":5}""", 400, "donationId" },
        { "donorId with a slash", """{"donationId":"x1","projectId":"{P}","donorId":"u/1","amount":5}""", 400, "donorId" },
        { "projectId with unicode", """{"donationId":"x1","projectId":"项目","donorId":"u1","amount":5}""", 400, "projectId" },
        { "teamId invalid", """{"donationId":"x1","projectId":"{P}","donorId":"u1","amount":5,"teamId":"a b"}""", 400, "teamId" },
        { "occurredAt not a time", """{"donationId":"x1","projectId":"{P}","donorId":"u1","amount":5,"occurredAt":"yesterday"}""", 400, "occurredAt" },
        { "currency USD", """{"donationId":"x1","projectId":"{P}","donorId":"u1","amount":5,"currency":"USD"}""", 422, "currency" },
        { "currency lower case", """{"donationId":"x1","projectId":"{P}","donorId":"u1","amount":5,"currency":"cny"}""", 422, "currency" },
        { "unknown project", """{"donationId":"x1","projectId":"no-such-project","donorId":"u1","amount":5}""", 404, "projectId" },
        { "closed project", """{"donationId":"x1","projectId":"{CLOSED}","donorId":"u1","amount":5}""", 422, "projectId" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task A_rejected_donation_names_its_field_and_leaves_no_trace(string name, string template, int status, string field)
    {
        var scene = await Scene.CreateAsync(_api);
        var closed = await _api.CreateProjectAsync(scene.CampaignId, status: "closed");
        var pool = await scene.PoolAsync(new() { ["budget"] = 1000L });
        await scene.DonateNewAsync("u0", 10, donationId: "existing");
        var before = await scene.TotalsAsync() + "\n" + await ClosedTotals(closed);

        var body = template.Replace("{P}", scene.Project, StringComparison.Ordinal).Replace("{CLOSED}", closed, StringComparison.Ordinal)
            .Replace("LONG129", new string('x', 129), StringComparison.Ordinal);
        var rejected = await _api.PostDonationAsync(scene.Key, body);

        Assert.True(rejected.Code == status, $"{name}: expected {status}, got {rejected}");
        Assert.Equal("application/problem+json", rejected.ContentType);
        Assert.False(string.IsNullOrEmpty(rejected.Json?["type"]?.GetValue<string>()), rejected.Body);
        Assert.False(string.IsNullOrEmpty(rejected.Json?["title"]?.GetValue<string>()), rejected.Body);
        Assert.Equal(status, rejected.Json?["status"]?.GetValue<int>());
        Assert.True(rejected.Json?["errors"]?[field] is not null || rejected.Json?["field"]?.GetValue<string>() == field,
            $"{name}: the problem should name the field {field}: {rejected.Body}");
        Assert.Equal(before, await scene.TotalsAsync() + "\n" + await ClosedTotals(closed));

        // Nothing was stored under the id: the same id is free for a valid donation.
        var valid = await scene.DonateAsync("u1", 5, donationId: "x1");
        Assert.True(valid.Code == 201, $"{name}: the rejected id must stay free, got {valid}");
        Assert.Equal(Matches.Expect((pool, 5)), Matches.Of(valid));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"donationId":"x1",""")]
    [InlineData("[1,2,3]")]
    [InlineData("")]
    public async Task A_malformed_body_is_400_and_changes_nothing(string body)
    {
        var scene = await Scene.CreateAsync(_api);
        await scene.PoolAsync(new() { ["budget"] = 1000L });
        var before = await scene.TotalsAsync();

        var rejected = await _api.SendAsync(HttpMethod.Post, "/v1/donations", body.Length == 0 ? null : body, scene.Key);

        Assert.True(rejected.Code == 400, $"expected 400, got {rejected}");
        Assert.Equal("application/problem+json", rejected.ContentType);
        Assert.Equal(before, await scene.TotalsAsync());
    }

    [Fact]
    public async Task The_amount_bounds_themselves_are_accepted()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 1_000_000_000L });

        var smallest = await scene.DonateNewAsync("u1", 1);
        var largest = await scene.DonateNewAsync("u2", 100_000_000);

        Assert.Equal(Matches.Expect((pool, 1)), Matches.Of(smallest));
        Assert.Equal(Matches.Expect((pool, 100_000_000)), Matches.Of(largest));
        Assert.Equal((100_000_001L, 100_000_001L, 2L), await scene.ProjectTotalsAsync());
    }

    [Fact]
    public async Task A_project_closed_after_donations_refuses_new_ones_and_keeps_its_totals()
    {
        var scene = await Scene.CreateAsync(_api);
        await scene.PoolAsync(new() { ["budget"] = 1000L });
        await scene.DonateNewAsync("u1", 30, donationId: "before-close");
        ApiClient.Ensure(await _api.Manager(HttpMethod.Put, $"/v1/admin/projects/{scene.Project}",
            new { campaignId = scene.CampaignId, name = "Closing", status = "closed" }), 200);
        var before = await scene.TotalsAsync();

        var refused = await scene.DonateAsync("u1", 30);
        var replay = await scene.DonateAsync("u1", 30, donationId: "before-close");

        Assert.Equal(422, refused.Code);
        // A replay of a donation accepted while the project was open still answers its original result.
        Assert.Equal(200, replay.Code);
        Assert.Equal(before, await scene.TotalsAsync());
    }

    private async Task<string> ClosedTotals(string projectId)
    {
        var project = await _api.GetProjectAsync(projectId);
        return $"closed raised={project.Long("raised")} matched={project.Long("matched")} count={project.Long("donationCount")}";
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedDonationValidationTests(EmbeddedDeployment deployment) : DonationValidationTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresDonationValidationTests(PostgresClusterDeployment deployment) : DonationValidationTests(deployment);
