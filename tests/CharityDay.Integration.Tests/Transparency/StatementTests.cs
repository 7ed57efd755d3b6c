using System.Globalization;
using CharityDay.Integration.Tests.Donations;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Transparency;

/// <summary>
/// SPEC §6 sponsor statement: one row per project and campaign-local day, matched on the day of acceptance,
/// reversed on the day of the refund or clawback, and the rows' net sums to the pool's matched.
/// </summary>
public abstract class StatementTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();
    private readonly string _zone = Scene.StableZone();

    [Fact]
    public async Task Rows_net_sums_to_the_pools_matched_with_refunds_and_clawbacks_reversed_today()
    {
        var scene = await Scene.CreateAsync(_api, projects: 2, timeZone: _zone);
        var pool = await scene.PoolAsync(new() { ["sponsor"] = "Tea House", ["budget"] = 10_000L });
        await scene.DonateNewAsync("u1", 100, scene.Projects[0], donationId: "a");
        await scene.DonateNewAsync("u2", 200, scene.Projects[0], donationId: "b");
        await scene.DonateNewAsync("u3", 300, scene.Projects[1], donationId: "c");
        await scene.DonateNewAsync("u3", 40, scene.Projects[1], donationId: "d");
        ApiClient.Ensure(await _api.RefundAsync(scene.Key, "b"), 200);
        ApiClient.Ensure(await _api.ClawbackAsync(pool, "u3"), 200);
        var today = ExportTests.Today(_zone);

        var statement = await _api.Manager(HttpMethod.Get, $"/v1/admin/pools/{pool}/statement");
        ApiClient.Ensure(statement, 200);
        var (matched, remaining) = await scene.PoolUsageAsync(pool);
        Assert.Equal((pool, "Tea House", 10_000L, matched, remaining),
            (statement["poolId"].GetValue<string>(), statement["sponsor"].GetValue<string>(), statement.Long("budget"), statement.Long("matched"), statement.Long("remaining")));
        Assert.Equal(100L, matched);
        var rows = statement["rows"].AsArray().Select(r => $"{r!["projectId"]} {r["day"]} {r["matched"]}-{r["reversed"]}={r["net"]}").ToList();
        Assert.Equal(new[] { $"{scene.Projects[0]} {today} 300-200=100", $"{scene.Projects[1]} {today} 340-340=0" }.Order(StringComparer.Ordinal),
            rows.Order(StringComparer.Ordinal));
        Assert.Equal(matched, statement["rows"].AsArray().Sum(r => r!["net"]!.GetValue<long>()));

        var csv = await _api.Manager(HttpMethod.Get, $"/v1/admin/pools/{pool}/statement?format=csv");
        ApiClient.Ensure(csv, 200);
        Assert.Equal(["projectId", "day", "matched", "reversed", "net"], Csv.Header(csv.Body));
        Assert.Equal(rows.Order(StringComparer.Ordinal),
            Csv.Parse(csv.Body).Select(r => $"{r["projectId"]} {r["day"]} {r["matched"]}-{r["reversed"]}={r["net"]}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Only_a_manager_of_the_pools_campaign_reads_its_statement()
    {
        var scene = await Scene.CreateAsync(_api, timeZone: _zone);
        var pool = await scene.PoolAsync(new());
        var elsewhere = await _api.CreateCampaignAsync();
        var scoped = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "manager", campaignIds = new[] { elsewhere } });
        ApiClient.Ensure(scoped, 201);
        var path = $"/v1/admin/pools/{pool}/statement";

        Assert.Equal(401, (await _api.SendAsync(HttpMethod.Get, path)).Code);
        Assert.Equal(403, (await _api.SendAsync(HttpMethod.Get, path, key: scene.Key)).Code);
        Assert.Equal(403, (await _api.SendAsync(HttpMethod.Get, path, key: scoped["secret"].GetValue<string>())).Code);
        var unknown = await _api.Manager(HttpMethod.Get, "/v1/admin/pools/no-such-pool/statement");
        Assert.Equal((404, "poolId"), (unknown.Code, unknown["field"].GetValue<string>()));
        var badFormat = await _api.Manager(HttpMethod.Get, path + "?format=pdf");
        Assert.Equal((400, "format"), (badFormat.Code, badFormat["field"].GetValue<string>()));
        var empty = await _api.Manager(HttpMethod.Get, path);
        ApiClient.Ensure(empty, 200);
        Assert.Equal((0L, 1_000_000L, 0), (empty.Long("matched"), empty.Long("remaining"), empty["rows"].AsArray().Count));
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedStatementTests(EmbeddedDeployment deployment) : StatementTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresStatementTests(PostgresClusterDeployment deployment) : StatementTests(deployment);
