using System.Text;
using System.Text.Json;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Telemetry;

/// <summary>The dashboard and the alert rules parse, pass promtool, and name only metrics a real host serves.</summary>
[Collection(EmbeddedCollection.Name)]
public sealed class OpsKitTests(EmbeddedDeployment deployment)
{
    /// <summary>Series Prometheus makes itself, not found on any /metrics.</summary>
    private static readonly HashSet<string> PrometheusSynthetic = ["up"];

    [Fact]
    public async Task Alert_rules_pass_promtool_check_and_their_unit_tests()
    {
        var check = await Promtool.RunAsync(OpsKit.PrometheusDirectory, "check", "rules", "charityday-alerts.yml");
        Assert.True(check.ExitCode == 0, $"promtool check rules failed:\n{check.Output}");
        var test = await Promtool.RunAsync(OpsKit.PrometheusDirectory, "test", "rules", "charityday-alerts.test.yml");
        Assert.True(test.ExitCode == 0, $"promtool test rules failed:\n{test.Output}");
        var config = await Promtool.RunAsync(OpsKit.PrometheusDirectory, "check", "config", "prometheus.example.yml");
        Assert.True(config.ExitCode == 0, $"promtool check config failed:\n{config.Output}");
    }

    [Fact]
    public void Every_alert_has_a_runbook_section_in_the_operations_doc()
    {
        var doc = File.ReadAllText(Path.Combine(HostProcess.RepositoryRoot(), "docs", "operations.md"));
        var alerts = OpsKit.AlertQueries().Select(q => q.Title).Distinct().ToList();
        Assert.Equal(14, alerts.Count);
        foreach (var alert in alerts)
        {
            Assert.True(doc.Contains($"### {alert}\n", StringComparison.Ordinal), $"docs/operations.md has no '### {alert}' runbook section");
        }
    }

    [Fact]
    public async Task Dashboard_parses_has_the_four_rows_and_every_query_is_valid_PromQL()
    {
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(OpsKit.DashboardPath));
        var rows = OpsKit.Panels(json.RootElement).Where(p => p.GetProperty("type").GetString() == "row").Select(p => p.GetProperty("title").GetString()).ToList();
        Assert.Equal(new[] { "Ingest", "Matching pools", "Storage", "Orleans cluster" }, rows);
        var panels = OpsKit.Panels(json.RootElement).Where(p => p.GetProperty("type").GetString() != "row").ToList();
        Assert.All(panels, p => Assert.True(p.TryGetProperty("targets", out var t) && t.GetArrayLength() > 0, $"panel {p.GetProperty("title")} has no query"));

        // promtool has no "check this expression" command; a rules file of recording rules is one.
        var rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        var queries = OpsKit.DashboardQueries().Where(q => q.Source == "dashboard").ToList();
        for (var i = 0; i < queries.Count; i++)
        {
            rules.Append($"      - record: dashboard:query{i}\n        expr: {JsonSerializer.Serialize(OpsKit.AsPromQl(queries[i].Expression))}\n");
        }
        var dir = Directory.CreateTempSubdirectory("charityday-dashboard-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "dashboard-rules.yml"), rules.ToString());
            var check = await Promtool.RunAsync(dir, "check", "rules", "dashboard-rules.yml");
            Assert.True(check.ExitCode == 0, $"a dashboard query is not valid PromQL:\n{check.Output}\n{rules}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Metric_name_extraction_keeps_metrics_and_drops_functions_labels_and_keywords()
    {
        var names = PromQlNames.Of("""histogram_quantile(0.99, sum by (le, campaign) (rate(a_bucket{campaign=~"$campaign", x="y{z}"}[$__rate_interval]))) / on (pool) group_left b_total > 1e3 and c""");
        Assert.Equal(new[] { "a_bucket", "b_total", "c" }, names.Order());
        Assert.Equal(new[] { "charityday_pool_budget_fen" }, PromQlNames.Of("label_values(charityday_pool_budget_fen, campaign)"));
    }

    [Fact]
    public async Task Every_metric_the_dashboard_and_the_alerts_name_is_in_a_real_scrape()
    {
        var scenario = await TelemetryScenario.RunAsync(deployment.Api());
        var scrape = await scenario.ScrapeSettledAsync(deployment.Client());
        var served = scrape.Names;

        var queries = OpsKit.DashboardQueries().Concat(OpsKit.AlertQueries()).ToList();
        Assert.True(queries.Count > 40, $"only {queries.Count} queries found: is the extraction broken?");
        var missing = queries
            .SelectMany(q => PromQlNames.Of(q.Expression).Select(name => (Name: name, Query: q)))
            .Where(x => !served.Contains(x.Name) && !PrometheusSynthetic.Contains(x.Name))
            .Select(x => $"{x.Name}  ({x.Query.Source} '{x.Query.Title}': {x.Query.Expression})")
            .ToList();
        Assert.True(missing.Count == 0,
            $"metrics named in ops/ that the host does not serve:\n{string.Join("\n", missing)}\n\nserved charityday_/orleans_ names:\n" +
            string.Join("\n", served.Where(n => n.StartsWith("charityday_", StringComparison.Ordinal) || n.StartsWith("orleans_", StringComparison.Ordinal)).Order()));
    }
}
