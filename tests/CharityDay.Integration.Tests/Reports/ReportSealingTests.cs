using CharityDay.Domain.Transparency;
using CharityDay.Integration.Tests.Donations;
using CharityDay.Integration.Tests.Infrastructure;
using CharityDay.Integration.Tests.Transparency;

namespace CharityDay.Integration.Tests.Reports;

/// <summary>
/// SPEC §6 on a host sealing every second: a report is a ledger event sealed into the campaign's
/// checkpoints, its public receipt verifies against its checkpoint's root from the event alone, and
/// after kill -9 and a restart the reports, the project's spent and the bound are as they were.
/// </summary>
public sealed class ReportSealingTests : IAsyncLifetime
{
    private readonly EmbeddedDeployment _deployment = new()
    {
        Settings = new Dictionary<string, string> { ["CharityDay__CheckpointInterval"] = SealingTestBase<EmbeddedDeployment>.FastSealing },
    };

    public Task InitializeAsync() => _deployment.InitializeAsync();

    public Task DisposeAsync() => _deployment.DisposeAsync();

    [Fact]
    public async Task A_reports_receipt_verifies_against_its_checkpoint_and_reports_survive_kill_9()
    {
        var api = _deployment.Api();
        var scene = await Scene.CreateAsync(api);
        await scene.DonateNewAsync("u1", 1_000);
        var items = new[] { new { description = "Quilts \"winter\" \\ 棉被", quantity = 12, unit = "piece" } };
        ApiClient.Ensure(await ReportClient.FileAsync(api, scene.Project, ReportClient.Body("q1", 700, "Quilts for Gansu", items, "https://example.org/q1")), 201);
        ApiClient.Ensure(await ReportClient.FileAsync(api, scene.Project, ReportClient.Body("q2", -100, "Correction")), 201);

        // Events: the donation (1) and the two reports (2, 3).
        var checkpoints = await LedgerProofClient.SealedThroughAsync(api, scene.CampaignId, 3, TimeSpan.FromSeconds(60));
        var bySeq = checkpoints.ToDictionary(c => c.Seq);
        var lines = new List<string>();
        foreach (var (reportId, seq) in new[] { ("q1", 2L), ("q2", 3L) })
        {
            var receipt = await api.SendAsync(HttpMethod.Get, $"/v1/projects/{scene.Project}/reports/{reportId}/receipt");
            ApiClient.Ensure(receipt, 200);
            var evt = receipt["event"].AsObject();
            var checkpoint = bySeq[receipt.Long("checkpoint")];
            Assert.Null(Receipt.Check(evt, receipt["leafHash"].GetValue<string>(), receipt.Long("index"), receipt.Long("count"),
                [.. receipt["path"].AsArray().Select(p => p!.GetValue<string>())], checkpoint.Root));
            Assert.Equal(("report", seq, scene.CampaignId, scene.Project, reportId),
                (evt["type"]!.GetValue<string>(), evt["seq"]!.GetValue<long>(), evt["campaignId"]!.GetValue<string>(), evt["projectId"]!.GetValue<string>(), evt["reportId"]!.GetValue<string>()));
            lines.Add(receipt.Body);
        }
        var first = System.Text.Json.Nodes.JsonNode.Parse(lines[0])!["event"]!;
        Assert.Equal(700, first["spent"]!.GetValue<long>());
        Assert.Equal("Quilts \"winter\" \\ 棉被", first["items"]![0]!["description"]!.GetValue<string>());
        Assert.Equal("https://example.org/q1", first["evidenceUrl"]!.GetValue<string>());

        // A changed report no longer verifies.
        var changed = System.Text.Json.Nodes.JsonNode.Parse(lines[0])!;
        changed["event"]!["spent"] = 1;
        Assert.NotNull(Receipt.Check(changed["event"], changed["leafHash"]!.GetValue<string>(), changed["index"]!.GetValue<long>(), changed["count"]!.GetValue<long>(),
            [.. changed["path"]!.AsArray().Select(p => p!.GetValue<string>())], changed["root"]!.GetValue<string>()));

        var host = _deployment.Hosts[0];
        await host.KillAsync();
        await host.StartAsync();

        Assert.Equal((600L, 2L, 1_000L, 0L), await ReportClient.ProjectAsync(api, scene.Project));
        Assert.Equal(["q1", "q2"], (await ReportClient.ListAllAsync(api, scene.Project)).Select(r => r["reportId"]!.GetValue<string>()));
        // The bound holds on the rebuilt totals, a replay is still a replay, and the receipt is unchanged.
        ApiClient.Ensure(await ReportClient.FileAsync(api, scene.Project, ReportClient.Body("q3", 401)), 422);
        ApiClient.Ensure(await ReportClient.FileAsync(api, scene.Project, ReportClient.Body("q2", -100, "Correction")), 200);
        var again = await api.SendAsync(HttpMethod.Get, $"/v1/projects/{scene.Project}/reports/q1/receipt");
        ApiClient.Ensure(again, 200);
        Assert.Equal(lines[0], again.Body);
    }
}
