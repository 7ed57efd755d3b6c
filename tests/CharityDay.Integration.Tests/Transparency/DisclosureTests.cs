using CharityDay.Integration.Tests.Donations;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Transparency;

/// <summary>
/// SPEC §6 public disclosure: at quiescence its numbers are the public campaign and project reads'
/// numbers; it adds matching by pool and sponsor, refunds, the pools' balances and the checkpoints.
/// </summary>
public abstract class DisclosureTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task Disclosure_numbers_equal_the_public_reads_at_quiescence()
    {
        var scene = await Scene.CreateAsync(_api, projects: 3);
        var half = await scene.PoolAsync(new() { ["ratioBps"] = 5000, ["sponsor"] = "Bank" });
        var small = await scene.PoolAsync(new() { ["budget"] = 150L, ["sponsor"] = "Tea House" });
        var (otherPartner, otherKey) = await _api.CreatePartnerAsync();
        await scene.DonateNewAsync("u1", 100, scene.Projects[0], donationId: "a");
        await scene.DonateNewAsync("u2", 200, scene.Projects[1], donationId: "b", key: otherKey);
        await scene.DonateNewAsync("u3", 300, scene.Projects[1], donationId: "c");
        await scene.DonateNewAsync("u4", 7, scene.Projects[0], donationId: "d");
        ApiClient.Ensure(await _api.RefundAsync(scene.Key, "d"), 200);
        var since = DateTimeOffset.UtcNow;

        var disclosure = await _api.GetPublicFreshAsync($"/v1/campaigns/{scene.CampaignId}/disclosure", since: since);
        ApiClient.Ensure(disclosure, 200);
        Assert.Equal("public, max-age=1", disclosure.Headers.CacheControl?.ToString());
        var campaign = await _api.GetCampaignAsync(scene.CampaignId, since: since);
        Assert.Equal(
            (campaign.Long("raised"), campaign.Long("matched"), campaign.Long("donationCount")),
            (disclosure.Long("raised"), disclosure.Long("matched"), disclosure.Long("donationCount")));
        Assert.Equal(7L, disclosure.Long("refunded"));
        Assert.Equal(
            campaign["pools"].AsArray().Select(p => $"{p!["poolId"]} {p["sponsor"]} {p["budget"]} {p["matched"]} {p["remaining"]}").Order(StringComparer.Ordinal),
            disclosure["pools"].AsArray().Select(p => $"{p!["poolId"]} {p["sponsor"]} {p["budget"]} {p["matched"]} {p["remaining"]}").Order(StringComparer.Ordinal));
        Assert.Empty(disclosure["checkpoints"].AsArray());

        var projects = disclosure["projects"].AsArray().ToDictionary(p => p!["projectId"]!.GetValue<string>(), p => p!);
        Assert.Equal(scene.Projects.Order(StringComparer.Ordinal), projects.Keys.Order(StringComparer.Ordinal));
        foreach (var projectId in scene.Projects)
        {
            var read = await _api.GetProjectAsync(projectId, since: since);
            var line = projects[projectId];
            Assert.Equal(
                $"{read.Long("raised")}/{read.Long("matched")}/{read.Long("donationCount")} {ByPartner(read["byPartner"])}",
                $"{line["raised"]}/{line["matched"]}/{line["donationCount"]} {ByPartner(line["byPartner"])}");
            Assert.Equal(line["matched"]!.GetValue<long>(), line["matchedByPool"]!.AsArray().Sum(m => m!["matched"]!.GetValue<long>()));
        }
        // Project 2: 500 raised, half-matched 250 by the bank; the tea house's 150 went to the first donations.
        Assert.Equal($"{half} Bank 250", string.Join(',', projects[scene.Projects[1]]["matchedByPool"]!.AsArray()
            .Where(m => m!["poolId"]!.GetValue<string>() == half).Select(m => $"{m!["poolId"]} {m["sponsor"]} {m["matched"]}")));
        Assert.Equal(7L, projects[scene.Projects[0]]["refunded"]!.GetValue<long>());
        Assert.Equal(150L, disclosure["pools"].AsArray().Single(p => p!["poolId"]!.GetValue<string>() == small)!["matched"]!.GetValue<long>());

        var csv = await _api.SendAsync(HttpMethod.Get, $"/v1/campaigns/{scene.CampaignId}/disclosure?format=csv");
        ApiClient.Ensure(csv, 200);
        var rows = Csv.Parse(csv.Body);
        Assert.Equal(
            projects.Values.Select(p => $"{p["projectId"]} {p["raised"]} {p["matched"]} {p["refunded"]} {p["donationCount"]}").Order(StringComparer.Ordinal),
            rows.Select(r => $"{r["projectId"]} {r["raised"]} {r["matched"]} {r["refunded"]} {r["donationCount"]}").Order(StringComparer.Ordinal));
    }

    private static string ByPartner(System.Text.Json.Nodes.JsonNode? byPartner) =>
        string.Join(',', byPartner!.AsObject().Select(p => $"{p.Key}:{p.Value}").Order(StringComparer.Ordinal));

    [Fact]
    public async Task The_csv_quotes_free_text_as_RFC_4180_asks()
    {
        var campaignId = await _api.CreateCampaignAsync();
        var projectId = ApiClient.NewId("p");
        const string name = "Wells, \"clean\" water";
        ApiClient.Ensure(await _api.Manager(HttpMethod.Put, $"/v1/admin/projects/{projectId}", new { campaignId, name, organization = "Org; Ltd" }), 201);

        var csv = await _api.GetPublicFreshAsync($"/v1/campaigns/{campaignId}/disclosure?format=csv");
        ApiClient.Ensure(csv, 200);
        var row = Assert.Single(Csv.Parse(csv.Body));
        Assert.Equal((projectId, name, "Org; Ltd", "0"), (row["projectId"], row["name"], row["organization"], row["raised"]));
    }

    [Fact]
    public async Task Unknown_campaigns_and_bad_parameters_are_problems()
    {
        var unknown = await _api.SendAsync(HttpMethod.Get, "/v1/campaigns/no-such-campaign/disclosure");
        Assert.Equal((404, "campaignId"), (unknown.Code, unknown["field"].GetValue<string>()));
        var campaignId = await _api.CreateCampaignAsync();
        var badFormat = await _api.SendAsync(HttpMethod.Get, $"/v1/campaigns/{campaignId}/disclosure?format=xml");
        Assert.Equal((400, "format"), (badFormat.Code, badFormat["field"].GetValue<string>()));
        var extra = await _api.SendAsync(HttpMethod.Get, $"/v1/campaigns/{campaignId}/disclosure?top=3");
        Assert.Equal((400, "top"), (extra.Code, extra["field"].GetValue<string>()));
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedDisclosureTests(EmbeddedDeployment deployment) : DisclosureTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresDisclosureTests(PostgresClusterDeployment deployment) : DisclosureTests(deployment);
