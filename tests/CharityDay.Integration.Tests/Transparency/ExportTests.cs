using System.Globalization;
using System.Text.Json.Nodes;
using CharityDay.Integration.Tests.Donations;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Transparency;

/// <summary>
/// SPEC §6 daily exports over HTTP: the rows of a day are the donations as accepted, with their status as of
/// the export; summed per partner they are the summary, which for a campaign whose donations all fell on
/// that day is the campaign's totals, to the fen; a partner sees its own rows only.
/// </summary>
public abstract class ExportTests(Deployment deployment)
{
    private static readonly string[] Columns =
        ["partnerId", "donationId", "projectId", "donorId", "teamId", "amount", "status", "acceptedAt", "refundedAt", "matchedTotal", "matches", "merchantId", "orderCount"];

    private readonly ApiClient _api = deployment.Api();

    /// <summary>A zone whose local day cannot end during the test, so "today" is every donation's day.</summary>
    private readonly string _zone = Scene.StableZone();

    [Fact]
    public async Task Export_rows_summed_per_partner_equal_the_summary_and_the_campaign_totals_after_refunds()
    {
        var scene = await Scene.CreateAsync(_api, projects: 3, timeZone: _zone);
        var ratio = await scene.PoolAsync(new() { ["ratioBps"] = 5000 });
        var scarce = await scene.PoolAsync(new() { ["budget"] = 2_000L, ["priority"] = 1 });
        var (otherPartner, otherKey) = await _api.CreatePartnerAsync();
        var keys = new Dictionary<string, string> { [scene.PartnerId] = scene.Key, [otherPartner] = otherKey };
        var random = new Random(14);
        var donations = new Dictionary<string, JsonNode>();
        for (var i = 0; i < 40; i++)
        {
            var partner = random.Next(2) == 0 ? scene.PartnerId : otherPartner;
            var donationId = $"d{i}";
            // Every seventh is a merchant gift (SPEC §7): its row names the merchant and its orders, and no donor.
            var posted = i % 7 == 3
                ? await _api.PostDonationAsync(keys[partner], new { donationId, projectId = scene.Projects[random.Next(3)], merchantId = $"shop-{random.Next(2)}", orderCount = random.Next(1, 90), amount = (long)random.Next(1, 500) })
                : await scene.DonateNewAsync($"donor-{random.Next(6)}", random.Next(1, 500), scene.Projects[random.Next(3)], donationId, keys[partner]);
            ApiClient.Ensure(posted, 201);
            donations[$"{partner}/{donationId}"] = posted.Json!;
        }
        foreach (var refunded in donations.Keys.Where((_, i) => i % 5 == 2).ToList())
        {
            var (partner, donationId) = (refunded.Split('/')[0], refunded.Split('/')[1]);
            ApiClient.Ensure(await _api.RefundAsync(keys[partner], donationId), 200);
        }
        ApiClient.Ensure(await _api.ClawbackAsync(ratio, "donor-1"), 200);
        var day = Today(scene);

        var csv = await ExportAsync(Deployment.ManagerKey, scene.CampaignId, day, "csv");
        var rows = Csv.Parse(csv);
        Assert.Equal(Columns, Csv.Header(csv));
        Assert.Equal(donations.Count, rows.Count);
        foreach (var row in rows)
        {
            // The row is the donation as a read of it shows it now.
            var read = await _api.GetDonationAsync(keys[row["partnerId"]], row["donationId"]);
            ApiClient.Ensure(read, 200);
            Assert.Equal(
                Line(read.Json!),
                $"{row["partnerId"]}|{row["donationId"]}|{row["projectId"]}|{row["donorId"]}|{row["amount"]}|{row["status"]}|{row["acceptedAt"]}|{row["refundedAt"]}|{row["matchedTotal"]}|{row["matches"]}|{row["merchantId"]}|{row["orderCount"]}");
        }
        var acceptedAt = rows.Select(r => DateTimeOffset.Parse(r["acceptedAt"], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(acceptedAt.Order(), acceptedAt);

        var jsonl = await ExportAsync(Deployment.ManagerKey, scene.CampaignId, day, "jsonl");
        var lines = jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(
            rows.Select(r => string.Join('|', Columns.Select(c => r[c]))),
            lines.Select(l => string.Join('|', Columns.Select(c => l[c] is null ? "" : l[c]!.ToString()))));
        Assert.All(lines, l => Assert.Equal(Columns, l.Select(p => p.Key)));

        var summary = await _api.SendAsync(HttpMethod.Get, $"/v1/exports/summary?campaignId={scene.CampaignId}&day={day}", key: Deployment.ManagerKey);
        ApiClient.Ensure(summary, 200);
        Assert.Equal(day, summary["day"].GetValue<string>());
        foreach (var partner in keys.Keys)
        {
            Assert.Equal(Sums(rows.Where(r => r["partnerId"] == partner)), Sums(summary["byPartner"][partner]!));
        }
        Assert.Equal(Sums(rows), Sums(summary["total"]));
        Assert.True(rows.Any(r => r["status"] == "refunded") && rows.Any(r => r["refundedAt"].Length > 0));
        Assert.Contains(rows, r => r["merchantId"].Length > 0 && r["orderCount"].Length > 0 && r["donorId"].Length == 0);

        var campaign = await _api.GetCampaignAsync(scene.CampaignId);
        Assert.Equal(
            (campaign.Long("raised"), campaign.Long("matched"), campaign.Long("donationCount")),
            (summary["total"]["raised"]!.GetValue<long>(), summary["total"]["matched"]!.GetValue<long>(), rows.Count(r => r["status"] == "accepted")));
        Assert.True(campaign.Long("matched") > 0, "the workload matched nothing");
    }

    [Fact]
    public async Task A_partner_sees_only_its_own_rows()
    {
        var scene = await Scene.CreateAsync(_api, timeZone: _zone);
        var (otherPartner, otherKey) = await _api.CreatePartnerAsync();
        await scene.DonateNewAsync("u1", 10, donationId: "mine");
        await scene.DonateNewAsync("u2", 20, donationId: "theirs", key: otherKey);
        var day = Today(scene);

        var own = Csv.Parse(await ExportAsync(scene.Key, scene.CampaignId, day, "csv"));
        Assert.Equal([$"{scene.PartnerId}/mine"], own.Select(r => $"{r["partnerId"]}/{r["donationId"]}"));
        var theirs = Csv.Parse(await ExportAsync(otherKey, scene.CampaignId, day, "csv"));
        Assert.Equal([$"{otherPartner}/theirs"], theirs.Select(r => $"{r["partnerId"]}/{r["donationId"]}"));

        var summary = await _api.SendAsync(HttpMethod.Get, $"/v1/exports/summary?campaignId={scene.CampaignId}&day={day}", key: scene.Key);
        ApiClient.Ensure(summary, 200);
        Assert.Equal([scene.PartnerId], summary["byPartner"].AsObject().Select(p => p.Key));
        Assert.Equal("1/10/0/0", Sums(summary["total"]));

        // A partner that gave nothing to a campaign reads an empty day, not another partner's rows.
        var (_, strangerKey) = await _api.CreatePartnerAsync();
        Assert.Empty(Csv.Parse(await ExportAsync(strangerKey, scene.CampaignId, day, "csv")));
    }

    [Fact]
    public async Task Keys_without_the_role_or_the_scope_are_refused()
    {
        var scene = await Scene.CreateAsync(_api, timeZone: _zone);
        var elsewhere = await _api.CreateCampaignAsync();
        var scoped = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "manager", campaignIds = new[] { elsewhere } });
        var viewer = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "viewer" });
        ApiClient.Ensure(scoped, 201);
        ApiClient.Ensure(viewer, 201);
        var query = $"campaignId={scene.CampaignId}&day={Today(scene)}";

        foreach (var path in new[] { "/v1/exports/donations?" + query, "/v1/exports/summary?" + query })
        {
            Assert.Equal(401, (await _api.SendAsync(HttpMethod.Get, path)).Code);
            Assert.Equal(403, (await _api.SendAsync(HttpMethod.Get, path, key: scoped["secret"].GetValue<string>())).Code);
            Assert.Equal(403, (await _api.SendAsync(HttpMethod.Get, path, key: viewer["secret"].GetValue<string>())).Code);
        }
        var inScope = await _api.SendAsync(HttpMethod.Get, $"/v1/exports/donations?campaignId={elsewhere}&day={Today(scene)}", key: scoped["secret"].GetValue<string>());
        ApiClient.Ensure(inScope, 200);
        var unknown = await _api.SendAsync(HttpMethod.Get, $"/v1/exports/donations?campaignId=no-such-campaign&day=2026-09-09", key: scene.Key);
        Assert.Equal((404, "campaignId"), (unknown.Code, unknown["field"].GetValue<string>()));
    }

    [Theory]
    [InlineData("day=2026-09-09", "campaignId")]
    [InlineData("campaignId=CAMPAIGN", "day")]
    [InlineData("campaignId=bad%20id&day=2026-09-09", "campaignId")]
    [InlineData("campaignId=CAMPAIGN&day=2026-9-9", "day")]
    [InlineData("campaignId=CAMPAIGN&day=2026-02-30", "day")]
    [InlineData("campaignId=CAMPAIGN&day=2026-09-09T00:00:00Z", "day")]
    [InlineData("campaignId=CAMPAIGN&day=2026-09-09&format=xml", "format")]
    [InlineData("campaignId=CAMPAIGN&day=2026-09-09&format=CSV", "format")]
    [InlineData("campaignId=CAMPAIGN&day=2026-09-09&campaignID=x", "campaignID")]
    [InlineData("campaignId=CAMPAIGN&day=2026-09-09&day=2026-09-10", "day")]
    public async Task Bad_parameters_are_400_problems_naming_the_parameter(string query, string field)
    {
        var campaignId = await _api.CreateCampaignAsync();
        var response = await _api.SendAsync(HttpMethod.Get, "/v1/exports/donations?" + query.Replace("CAMPAIGN", campaignId, StringComparison.Ordinal), key: Deployment.ManagerKey);
        Assert.Equal((400, "application/problem+json", field), (response.Code, response.ContentType, response["field"].GetValue<string>()));
        if (!query.Contains("format", StringComparison.Ordinal))
        {
            var summary = await _api.SendAsync(HttpMethod.Get, "/v1/exports/summary?" + query.Replace("CAMPAIGN", campaignId, StringComparison.Ordinal), key: Deployment.ManagerKey);
            Assert.Equal((400, field), (summary.Code, summary["field"].GetValue<string>()));
        }
    }

    private async Task<string> ExportAsync(string key, string campaignId, string day, string format)
    {
        var response = await _api.SendAsync(HttpMethod.Get, $"/v1/exports/donations?campaignId={campaignId}&day={day}&format={format}", key: key);
        ApiClient.Ensure(response, 200);
        Assert.StartsWith(format == "csv" ? "text/csv" : "application/jsonl", response.ContentType, StringComparison.Ordinal);
        return response.Body;
    }

    private string Today(Scene scene) => Today(_zone);

    internal static string Today(string zone) => Scene.LocalNow(zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Line(JsonNode d) =>
        $"{d["partnerId"]}|{d["donationId"]}|{d["projectId"]}|{d["donorId"]}|{d["amount"]}|{d["status"]}|{d["acceptedAt"]}|{d["refundedAt"]}|{d["matchedTotal"]}|" +
        string.Join(';', d["matches"]!.AsArray().Select(m => $"{m!["poolId"]}:{m["amount"]}")) + $"|{d["merchantId"]}|{d["orderCount"]}";

    private static string Sums(IEnumerable<Dictionary<string, string>> rows)
    {
        var list = rows.ToList();
        var accepted = list.Where(r => r["status"] == "accepted").ToList();
        return $"{list.Count}/{accepted.Sum(r => long.Parse(r["amount"], CultureInfo.InvariantCulture))}/" +
            $"{list.Where(r => r["status"] == "refunded").Sum(r => long.Parse(r["amount"], CultureInfo.InvariantCulture))}/" +
            $"{accepted.Sum(r => long.Parse(r["matchedTotal"], CultureInfo.InvariantCulture))}";
    }

    private static string Sums(JsonNode? figures) =>
        $"{figures!["count"]}/{figures["raised"]}/{figures["refunded"]}/{figures["matched"]}";
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedExportTests(EmbeddedDeployment deployment) : ExportTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresExportTests(PostgresClusterDeployment deployment) : ExportTests(deployment);
