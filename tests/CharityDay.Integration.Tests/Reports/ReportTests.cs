using CharityDay.Integration.Tests.Donations;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Reports;

/// <summary>
/// SPEC §6 "Use of funds" on both profiles: filing, replay, conflict, the spent bound (a report, a
/// correction, and a refund or clawback that would leave a project below its spent), strict input,
/// who may file, the public list, project reads and the disclosure.
/// </summary>
public abstract class ReportTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task A_report_is_201_its_replay_200_another_payload_409_and_the_project_shows_spent()
    {
        var scene = await Scene.CreateAsync(_api);
        await scene.DonateNewAsync("u1", 1_000);
        var items = new[] { new { description = "Rice, 10 kg bags", quantity = 20, unit = "bag" } };
        var body = ReportClient.Body("r1", 600, "大米 delivered to 20 families", items, "https://example.org/evidence/r1.pdf");

        var filed = await ReportClient.FileAsync(_api, scene.Project, body);
        ApiClient.Ensure(filed, 201);
        Assert.Equal(600, filed.Long("spent"));
        Assert.Equal("r1", filed["report"]!["reportId"]!.GetValue<string>());
        Assert.Equal(600, filed["report"]!["spent"]!.GetValue<long>());
        Assert.Equal("bag", filed["report"]!["items"]![0]!["unit"]!.GetValue<string>());

        var replay = await ReportClient.FileAsync(_api, scene.Project, body);
        ApiClient.Ensure(replay, 200);
        Assert.Equal(filed["report"]!.ToJsonString(), replay["report"]!.ToJsonString());
        Assert.Equal(600, replay.Long("spent"));

        var other = await ReportClient.FileAsync(_api, scene.Project, ReportClient.Body("r1", 500, "大米 delivered to 20 families", items, "https://example.org/evidence/r1.pdf"));
        ApiClient.Ensure(other, 409);
        Assert.Contains("reportId", other.Body, StringComparison.Ordinal);

        Assert.Equal((600L, 1L, 1_000L, 0L), await ReportClient.ProjectAsync(_api, scene.Project));
        var listed = await ReportClient.ListAllAsync(_api, scene.Project);
        Assert.Equal(["r1"], listed.Select(r => r["reportId"]!.GetValue<string>()));
        Assert.Equal("大米 delivered to 20 families", listed[0]["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Spent_stays_between_zero_and_raised_plus_matched_and_a_refund_or_clawback_below_spent_is_422()
    {
        var scene = await Scene.CreateAsync(_api);
        var pool = await scene.PoolAsync(new() { ["budget"] = 10_000L, ["ratioBps"] = 10_000 });
        var first = await scene.DonateNewAsync("u1", 1_000);
        var second = await scene.DonateNewAsync("u2", 500);
        // raised 1,500 + matched 1,500 = 3,000.
        ApiClient.Ensure(await ReportClient.FileAsync(_api, scene.Project, ReportClient.Body("over", 3_001)), 422);
        ApiClient.Ensure(await ReportClient.FileAsync(_api, scene.Project, ReportClient.Body("below", -1)), 422);
        var atCeiling = await ReportClient.FileAsync(_api, scene.Project, ReportClient.Body("all", 3_000));
        ApiClient.Ensure(atCeiling, 201);

        // Refunding either donation, or clawing back u1's match, would leave the project below what it spent.
        var refund = await _api.RefundAsync(scene.Key, first["donationId"].GetValue<string>());
        ApiClient.Ensure(refund, 422);
        Assert.EndsWith("refund-exceeds-unspent", refund["type"].GetValue<string>(), StringComparison.Ordinal);
        var clawback = await _api.ClawbackAsync(pool, "u1");
        ApiClient.Ensure(clawback, 422);
        Assert.EndsWith("clawback-exceeds-unspent", clawback["type"].GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("accepted", (await _api.GetDonationAsync(scene.Key, first["donationId"].GetValue<string>()))["status"].GetValue<string>());
        Assert.Equal((3_000L, 1L, 1_500L, 1_500L), await ReportClient.ProjectAsync(_api, scene.Project));

        // A correction makes room; then the refund goes through.
        ApiClient.Ensure(await ReportClient.FileAsync(_api, scene.Project, ReportClient.Body("fix", -1_000, "Correction: 1,000 fen returned by the supplier")), 201);
        ApiClient.Ensure(await _api.RefundAsync(scene.Key, second["donationId"].GetValue<string>()), 200);
        Assert.Equal((2_000L, 2L, 1_000L, 1_000L), await ReportClient.ProjectAsync(_api, scene.Project));
        // A correction below zero is refused.
        ApiClient.Ensure(await ReportClient.FileAsync(_api, scene.Project, ReportClient.Body("too-much", -2_001)), 422);
        Assert.Equal(["all", "fix"], (await ReportClient.ListAllAsync(_api, scene.Project, pageSize: 1)).Select(r => r["reportId"]!.GetValue<string>()));

        // The disclosure shows spent beside raised.
        var disclosure = await DisclosureShowingSpentAsync(scene.CampaignId);
        var line = disclosure["projects"].AsArray().Single(p => p!["projectId"]!.GetValue<string>() == scene.Project)!;
        Assert.Equal(2_000, line["spent"]!.GetValue<long>());
        Assert.Equal(2, line["reportCount"]!.GetValue<long>());
    }

    /// <summary>The disclosure once it shows the reports (it is at most a few seconds old).</summary>
    private async Task<ApiResponse> DisclosureShowingSpentAsync(string campaignId)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var d = await _api.SendAsync(HttpMethod.Get, $"/v1/campaigns/{campaignId}/disclosure");
            var spent = d.Code == 200 ? d["projects"].AsArray().Sum(p => p!["spent"]!.GetValue<long>()) : -1;
            if (spent == 2_000 || waited.Elapsed > TimeSpan.FromSeconds(10))
            {
                ApiClient.Ensure(d, 200);
                return d;
            }
            await Task.Delay(200);
        }
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { """{"reportId":"b","at":"2026-09-09T10:00:00+08:00","title":"t","spent":1,"evidenceUrl":"http://example.org/x"}""", "evidenceUrl" },
        { """{"reportId":"b","at":"2026-09-09T10:00:00+08:00","title":"t","spent":1,"evidenceUrl":"https://"}""", "evidenceUrl" },
        { """{"reportId":"b","at":"2026-09-09T10:00:00+08:00","title":"bad\u0007title","spent":1}""", "title" },
        { """{"reportId":"b","at":"2026-09-09T10:00:00+08:00","title":"t","spent":1.5}""", "spent" },
        { """{"reportId":"b","at":"2026-09-09T10:00:00+08:00","title":"t","spent":"5"}""", "spent" },
        { """{"reportId":"b","at":"2026-09-09T10:00:00+08:00","title":"t"}""", "spent" },
        { """{"reportId":"b","at":"2026-09-09T10:00:00+08:00","title":"t","spent":1,"items":[{"description":"d","quantity":0,"unit":"u"}]}""", "items[0].quantity" },
        { """{"reportId":"b","at":"2026-09-09T10:00:00+08:00","title":"t","spent":1,"items":[{"description":"d\u202e","quantity":1,"unit":"u"}]}""", "items[0].description" },
        { """{"reportId":"b","at":"2026-09-09T10:00:00+08:00","title":"t","spent":1,"items":[{"description":"d","quantity":1,"unit":"u","colour":"red"}]}""", "items[0].colour" },
        { """{"reportId":"b","at":"2026-09-09T10:00:00","title":"t","spent":1}""", "at" },
        { """{"reportId":"b","title":"t","spent":1}""", "at" },
        { """{"reportId":"b/c","at":"2026-09-09T10:00:00+08:00","title":"t","spent":1}""", "reportId" },
        { """{"reportId":"b","at":"2026-09-09T10:00:00+08:00","title":"t","spent":1,"amount":1}""", "amount" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_400_naming_the_field_and_records_nothing(string body, string field)
    {
        var scene = await Scene.CreateAsync(_api);
        await scene.DonateNewAsync("u1", 1_000);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/admin/projects/{scene.Project}/reports")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Deployment.ManagerKey);
        var answer = await _api.SendRawAsync(request);
        ApiClient.Ensure(answer, 400);
        Assert.Contains($"\"{field}\"", answer.Body, StringComparison.Ordinal);
        Assert.Empty(await ReportClient.ListAllAsync(_api, scene.Project));
    }

    [Fact]
    public async Task Only_a_manager_of_the_projects_campaign_files_a_report()
    {
        var scene = await Scene.CreateAsync(_api);
        await scene.DonateNewAsync("u1", 1_000);
        var elsewhere = await _api.CreateCampaignAsync();
        var scoped = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "manager", campaignIds = new[] { elsewhere } });
        var own = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "manager", campaignIds = new[] { scene.CampaignId } });
        var viewer = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "viewer" });
        var body = ReportClient.Body("auth", 10);

        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Post, $"/v1/admin/projects/{scene.Project}/reports", body), 401);
        ApiClient.Ensure(await ReportClient.FileAsync(_api, scene.Project, body, scoped["secret"].GetValue<string>()), 403);
        ApiClient.Ensure(await ReportClient.FileAsync(_api, scene.Project, body, viewer["secret"].GetValue<string>()), 403);
        ApiClient.Ensure(await ReportClient.FileAsync(_api, scene.Project, body, scene.Key), 403);
        ApiClient.Ensure(await ReportClient.FileAsync(_api, "no-such-project", body), 404);
        Assert.Empty(await ReportClient.ListAllAsync(_api, scene.Project));
        ApiClient.Ensure(await ReportClient.FileAsync(_api, scene.Project, body, own["secret"].GetValue<string>()), 201);
    }

    [Fact]
    public async Task The_list_pages_strictly_an_unknown_project_is_404_and_an_unsealed_receipt_is_409()
    {
        var scene = await Scene.CreateAsync(_api);
        await scene.DonateNewAsync("u1", 1_000);
        for (var i = 0; i < 3; i++)
        {
            ApiClient.Ensure(await ReportClient.FileAsync(_api, scene.Project, ReportClient.Body($"p{i}", 10)), 201);
        }
        Assert.Equal(["p0", "p1", "p2"], (await ReportClient.ListAllAsync(_api, scene.Project, pageSize: 2)).Select(r => r["reportId"]!.GetValue<string>()));
        foreach (var query in new[] { "limit=0", "limit=1001", "limit=x", "after=-1", "after=abc", "lmit=5", "limit=1&limit=2" })
        {
            var bad = await _api.SendAsync(HttpMethod.Get, $"/v1/projects/{scene.Project}/reports?{query}");
            ApiClient.Ensure(bad, 400);
        }
        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Get, "/v1/projects/no-such-project/reports"), 404);

        var receipt = await _api.SendAsync(HttpMethod.Get, $"/v1/projects/{scene.Project}/reports/p0/receipt");
        ApiClient.Ensure(receipt, 409);
        Assert.NotNull(receipt.Headers.RetryAfter);
        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Get, $"/v1/projects/{scene.Project}/reports/never/receipt"), 404);
    }

    [Fact]
    public async Task Reports_racing_refunds_never_leave_spent_outside_the_bound_and_every_answer_is_consistent()
    {
        var scene = await Scene.CreateAsync(_api);
        var donations = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            donations.Add((await scene.DonateNewAsync($"u{i}", 100))["donationId"].GetValue<string>());
        }
        // raised 2,000. Reports of 150 each race 20 refunds of 100 each.
        var reports = Enumerable.Range(0, 30).Select(i => ReportClient.FileAsync(_api, scene.Project, ReportClient.Body($"race-{i}", 150))).ToList();
        var refunds = donations.Select(d => _api.RefundAsync(scene.Key, d)).ToList();
        await Task.WhenAll(reports.Cast<Task>().Concat(refunds));

        var filed = reports.Count(r => r.Result.Code == 201);
        Assert.All(reports, r => Assert.Contains(r.Result.Code, new[] { 201, 422 }));
        var refunded = refunds.Count(r => r.Result.Code == 200);
        Assert.All(refunds, r => Assert.Contains(r.Result.Code, new[] { 200, 422 }));
        var (spent, count, raised, _) = await ReportClient.ProjectAsync(_api, scene.Project);
        Assert.Equal(filed * 150L, spent);
        Assert.Equal(filed, count);
        Assert.Equal(2_000 - refunded * 100L, raised);
        Assert.InRange(spent, 0, raised);
        Assert.Equal(filed, (await ReportClient.ListAllAsync(_api, scene.Project)).Count);
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedReportTests(EmbeddedDeployment deployment) : ReportTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresReportTests(PostgresClusterDeployment deployment) : ReportTests(deployment);
