using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Telemetry;

/// <summary>/metrics of the embedded host, scraped over HTTP as Prometheus does.</summary>
[Collection(EmbeddedCollection.Name)]
public sealed class MetricsScrapeTests(EmbeddedDeployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task Each_CharityDay_instrument_is_scraped_with_its_tags_unit_and_exact_value_after_every_path()
    {
        var s = await TelemetryScenario.RunAsync(_api);
        // SPEC §7 writes, each decided by the campaign: a team named then renamed, a pledge made then cancelled (twice: unchanged).
        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Put, "/v1/teams/scraped", new { campaignId = s.CampaignId, name = "Scraped" }, s.PartnerKey), 201);
        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Put, "/v1/teams/scraped", new { campaignId = s.CampaignId, name = "Scraped again" }, s.PartnerKey), 200);
        var pledgeId = ApiClient.NewId("pl");
        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Put, $"/v1/pledges/{pledgeId}", new { projectId = s.ProjectId, donorId = s.DonorIds[0], amount = 500, dayOfMonth = 5 }, s.PartnerKey), 201);
        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Post, $"/v1/pledges/{pledgeId}/cancel", key: s.PartnerKey), 200);
        ApiClient.Ensure(await _api.SendAsync(HttpMethod.Post, $"/v1/pledges/{pledgeId}/cancel", key: s.PartnerKey), 200);
        // A public read: the silo pulls the campaign's snapshot (the read side's instruments).
        Assert.Equal(200, (await _api.GetCampaignAsync(s.CampaignId)).Code);
        var scrape = await s.ScrapeSettledAsync(deployment.Client());

        (string, string) Partner = ("partner", s.PartnerId), Campaign = ("campaign", s.CampaignId), Pool = ("pool", s.PoolId);

        // Counters: unit annotations in braces are dropped, "fen" is kept, "_total" is added.
        Assert.Equal(TelemetryScenario.Accepted, scrape.Single("charityday_donations_total", Partner, ("result", "accepted"), ("reason", "Created")));
        Assert.Equal(1, scrape.Single("charityday_donations_total", Partner, ("result", "replayed"), ("reason", "Replayed")));
        Assert.Equal(1, scrape.Single("charityday_donations_total", Partner, ("result", "rejected"), ("reason", "Conflict")));
        Assert.Equal(1, scrape.Single("charityday_donations_total", Partner, ("result", "rejected"), ("reason", "invalid")));
        Assert.Equal(TelemetryScenario.DonatedFen, scrape.Single("charityday_donations_amount_fen_total", Partner, Campaign));
        Assert.Equal(TelemetryScenario.MatchedFen, scrape.Single("charityday_matches_amount_fen_total", Campaign, Pool));
        Assert.Equal(TelemetryScenario.Commits, scrape.Single("charityday_ledger_commits_total", Campaign, ("result", "committed")));
        Assert.Equal(0, scrape.Single("charityday_ledger_commits_total", Campaign, ("result", "failed")));
        Assert.Equal(1, scrape.Single("charityday_refunds_total", Partner));
        Assert.Equal(1, scrape.Single("charityday_clawbacks_total", Pool));
        Assert.Equal(0, scrape.Single("charityday_load_shed_total", Campaign));
        Assert.Equal(1, scrape.Single("charityday_team_writes_total", Campaign, ("result", "Created")));
        Assert.Equal(1, scrape.Single("charityday_team_writes_total", Campaign, ("result", "Replaced")));
        Assert.Equal(1, scrape.Single("charityday_pledge_writes_total", Campaign, ("action", "put"), ("result", "Created")));
        Assert.Equal(1, scrape.Single("charityday_pledge_writes_total", Campaign, ("action", "cancel"), ("result", "Cancelled")));
        Assert.Equal(1, scrape.Single("charityday_pledge_writes_total", Campaign, ("action", "cancel"), ("result", "Unchanged")));

        // Histograms: "ms" becomes "_milliseconds"; one commit per donation here, one donation each.
        Assert.Equal(TelemetryScenario.Commits, scrape.Single("charityday_ledger_commit_duration_milliseconds_count", Campaign));
        Assert.Equal(TelemetryScenario.Commits, scrape.Single("charityday_ledger_commit_duration_milliseconds_bucket", Campaign, ("le", "+Inf")));
        Assert.Equal(TelemetryScenario.Commits, scrape.Single("charityday_ledger_commit_batch_size_count", Campaign));
        Assert.Equal(TelemetryScenario.Commits, scrape.Single("charityday_ledger_commit_batch_size_sum", Campaign));
        Assert.Equal(TelemetryScenario.PoolChanges, scrape.Single("charityday_pool_change_duration_milliseconds_count", Pool));
        // Admin writes, by action and result, and their one transaction each (change + audit entry + answer).
        Assert.True(scrape.Single("charityday_admin_writes_total", ("action", "pool.patch"), ("result", "committed")) >= 1);
        Assert.True(scrape.Single("charityday_admin_writes_total", ("action", "pool.clawback"), ("result", "committed")) >= 1);
        Assert.True(scrape.Single("charityday_admin_commit_duration_milliseconds_count", ("action", "pool.patch")) >= 1);
        // The embedded host checkpoints its WAL in the background, once a second, from its first second on.
        Assert.True(scrape.Single("charityday_ledger_checkpoint_duration_milliseconds_count") >= 1);
        Assert.True(scrape.Single("charityday_donations_ingest_duration_milliseconds_count", ("result", "Created")) >= TelemetryScenario.Accepted);
        Assert.NotEmpty(scrape.Find("charityday_donations_ingest_duration_milliseconds_bucket", ("result", "Replayed"), ("le", "+Inf")));
        Assert.NotEmpty(scrape.Find("charityday_donations_ingest_duration_milliseconds_bucket", ("result", "Conflict"), ("le", "+Inf")));

        // The burst path: calls reaching the writer by method, coalesced single posts, the read side's pulls.
        Assert.True(scrape.Single("charityday_campaign_writer_calls_total", Campaign, ("method", "Donate")) >= 1);
        Assert.True(scrape.Single("charityday_campaign_writer_calls_total", Campaign, ("method", "GetSnapshot")) >= 1);
        Assert.True(scrape.Single("charityday_ingest_coalesced_batch_size_sum", Campaign) >= TelemetryScenario.Accepted);
        Assert.True(scrape.Find("charityday_read_snapshot_fetches_total", Campaign).Sum(x => x.Value) >= 1);
        Assert.True(scrape.Single("charityday_read_snapshot_age_milliseconds_count") >= 1);
        Assert.True(scrape.Single("charityday_read_directory_fetches_total", ("directory", "catalog")) >= 1);
        Assert.True(scrape.Single("charityday_read_directory_fetches_total", ("directory", "keys")) >= 1);
        // Issue 18: the donor working set's size (its restore and misses: DayScaleTests, which restarts the host).
        // The campaign's grain activated once (being created: nothing to restore).
        Assert.Equal(1, scrape.Single("charityday_campaign_activation_duration_milliseconds_count", Campaign));
        // No pool caps donors here: none needs to be held. Creating the campaign restored its (empty) sums once.
        Assert.Equal(0, scrape.Single("charityday_campaign_donors_held", Campaign));
        Assert.Equal(1, scrape.Single("charityday_campaign_rebuild_duration_milliseconds_count", Campaign, ("reason", "stale")));

        // Pool gauges: what the admin API reports, from the silo that hosts the campaign.
        var pool = await _api.GetPoolAsync(s.PoolId);
        Assert.Equal(TelemetryScenario.BudgetFen, pool.Long("budget"));
        Assert.Equal(pool.Long("budget"), scrape.Single("charityday_pool_budget_fen", Campaign, Pool));
        Assert.Equal(pool.Long("matched"), scrape.Single("charityday_pool_matched_fen", Campaign, Pool));
        Assert.Equal(pool.Long("remaining"), scrape.Single("charityday_pool_remaining_fen", Campaign, Pool));
        Assert.Equal(pool.Long("matchedToday"), scrape.Single("charityday_pool_matched_today_fen", Campaign, Pool));
        Assert.Equal(TelemetryScenario.PoolMatchedFen, pool.Long("matched"));

        var expectedTypes = new Dictionary<string, string>
        {
            ["charityday_donations_total"] = "counter",
            ["charityday_donations_amount_fen_total"] = "counter",
            ["charityday_matches_amount_fen_total"] = "counter",
            ["charityday_ledger_commits_total"] = "counter",
            ["charityday_refunds_total"] = "counter",
            ["charityday_clawbacks_total"] = "counter",
            ["charityday_load_shed_total"] = "counter",
            ["charityday_team_writes_total"] = "counter",
            ["charityday_pledge_writes_total"] = "counter",
            ["charityday_donations_ingest_duration_milliseconds"] = "histogram",
            ["charityday_ledger_commit_duration_milliseconds"] = "histogram",
            ["charityday_ledger_commit_batch_size"] = "histogram",
            ["charityday_ledger_checkpoint_duration_milliseconds"] = "histogram",
            ["charityday_pool_change_duration_milliseconds"] = "histogram",
            ["charityday_pool_budget_fen"] = "gauge",
            ["charityday_pool_matched_fen"] = "gauge",
            ["charityday_pool_remaining_fen"] = "gauge",
            ["charityday_pool_matched_today_fen"] = "gauge",
            ["charityday_api_problems_total"] = "counter",
            ["charityday_build_info"] = "gauge",
            ["charityday_campaign_writer_calls_total"] = "counter",
            ["charityday_ingest_coalesced_batch_size"] = "histogram",
            ["charityday_read_snapshot_fetches_total"] = "counter",
            ["charityday_read_snapshot_age_milliseconds"] = "histogram",
            ["charityday_read_directory_fetches_total"] = "counter",
            ["charityday_campaign_rebuild_duration_milliseconds"] = "histogram",
            ["charityday_campaign_donors_held"] = "gauge",
            ["charityday_campaign_activation_duration_milliseconds"] = "histogram",
            ["charityday_admin_writes_total"] = "counter",
            ["charityday_ratelimit_decisions_total"] = "counter",
            ["charityday_ratelimit_fallback"] = "gauge",
            ["charityday_admin_commit_duration_milliseconds"] = "histogram",
        };
        // Present once a capped pool loaded a donor (other tests on this host do), once a silo met an
        // unknown id, once a client went past the optional per-client public read limit, and when a
        // campaign's zone is missing from the silo's tz database, and once an export, statement or disclosure was read (SPEC §6), and once a points gift was converted, a merchant gift accepted, a team named or a pledge written (SPEC §7), and once a use-of-funds report was filed or a refund refused by one (SPEC §6).
        string[] whenUsed = ["charityday_campaign_donors_loaded_total", "charityday_read_directory_misses_total", "charityday_read_public_limited_total",
            "charityday_campaign_timezone_unknown_total", "charityday_exports_rows_total", "charityday_exports_duration_milliseconds",
            "charityday_points_converted_total", "charityday_merchant_amount_fen_total", "charityday_merchant_orders_total", "charityday_team_writes_total", "charityday_pledge_writes_total",
            "charityday_report_writes_total"];
        foreach (var (family, type) in expectedTypes)
        {
            Assert.True(scrape.Types.TryGetValue(family, out var actual) && actual == type,
                $"# TYPE {family}: expected {type}, got {actual ?? "no TYPE line"}");
            Assert.True(scrape.Help.TryGetValue(family, out var help) && help.Length > 10, $"# HELP {family} missing or empty");
        }
        var ours = scrape.Samples.Where(x => x.Name.StartsWith("charityday_", StringComparison.Ordinal)).Select(x => x.Name).ToHashSet();
        var unexpected = ours.Where(n => !expectedTypes.Keys.Concat(whenUsed).Any(f => n == f || n.StartsWith(f + "_", StringComparison.Ordinal))).ToList();
        Assert.True(unexpected.Count == 0, $"instruments missing from this test (add them with their tags): {string.Join(", ", unexpected)}");

        // Bounded tags only: no donor or donation id anywhere in the scrape.
        foreach (var id in s.DonorIds.Concat(s.DonationIds))
        {
            Assert.False(scrape.Text.Contains(id, StringComparison.Ordinal), $"the scrape contains the id {id}");
        }

        // Orleans', ASP.NET Core's and the runtime's meters are on the same endpoint.
        Assert.True(scrape.Find("orleans_grains", ("grain_type", "campaign")).Sum(x => x.Value) >= 1, "orleans_grains{grain_type=\"campaign\"} missing");
        Assert.NotEmpty(scrape.Find("orleans_app_requests_latency_milliseconds_bucket"));
        Assert.NotEmpty(scrape.Find("orleans_catalog_activations"));
        Assert.NotEmpty(scrape.Find("orleans_storage_write_latency_milliseconds_count"));
        Assert.True(scrape.Find("http_server_request_duration_seconds_count", ("http_route", "/v1/donations/"), ("http_response_status_code", "201")).Sum(x => x.Value) >= 3);
        Assert.NotEmpty(scrape.Find("dotnet_process_cpu_time_seconds_total"));
    }

    [Fact]
    public async Task By_default_nothing_is_exported_to_the_console_and_logs_are_json_lines()
    {
        // No OTEL_EXPORTER_OTLP_ENDPOINT here: the host has no console exporter to fall back on.
        var hostDir = Path.GetDirectoryName(HostProcess.HostDll)!;
        Assert.False(File.Exists(Path.Combine(hostDir, "OpenTelemetry.Exporter.Console.dll")), "the host ships the OpenTelemetry console exporter");
        var host = Assert.Single(deployment.Hosts);
        Assert.DoesNotContain("OTEL_EXPORTER_OTLP_ENDPOINT", host.Environment.Keys);

        await TelemetryScenario.RunAsync(_api);
        await Task.Delay(500);
        var output = host.Output;
        foreach (var marker in new[] { "Activity.TraceId:", "Activity.DisplayName:", "Metric Name:", "LogRecord.Timestamp:" })
        {
            Assert.False(output.Contains(marker, StringComparison.Ordinal), $"console exporter output ({marker}) in the host's output:\n{output}");
        }
        var logLines = output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("{\"Timestamp\"", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(logLines);
        foreach (var line in logLines)
        {
            using var json = System.Text.Json.JsonDocument.Parse(line);
            Assert.True(json.RootElement.TryGetProperty("LogLevel", out _), line);
        }
    }
}
