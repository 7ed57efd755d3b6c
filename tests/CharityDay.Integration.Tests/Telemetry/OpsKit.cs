using System.Text.Json;
using System.Text.RegularExpressions;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Telemetry;

public sealed record OpsQuery(string Source, string Title, string Expression);

/// <summary>The repository's SRE kit: ops/grafana and ops/prometheus.</summary>
public static partial class OpsKit
{
    public static string Directory => Path.Combine(HostProcess.RepositoryRoot(), "ops");

    public static string DashboardPath => Path.Combine(Directory, "grafana", "charityday-dashboard.json");

    public static string PrometheusDirectory => Path.Combine(Directory, "prometheus");

    public static string AlertsPath => Path.Combine(PrometheusDirectory, "charityday-alerts.yml");

    /// <summary>Every PromQL expression of the dashboard's panels and template variables.</summary>
    public static IReadOnlyList<OpsQuery> DashboardQueries()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var queries = new List<OpsQuery>();
        foreach (var panel in Panels(json.RootElement))
        {
            if (panel.TryGetProperty("targets", out var targets))
            {
                foreach (var target in targets.EnumerateArray())
                {
                    queries.Add(new OpsQuery("dashboard", panel.GetProperty("title").GetString()!, target.GetProperty("expr").GetString()!));
                }
            }
        }
        foreach (var variable in json.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            if (variable.GetProperty("type").GetString() == "query")
            {
                queries.Add(new OpsQuery("dashboard variable", variable.GetProperty("name").GetString()!, variable.GetProperty("definition").GetString()!));
            }
        }
        return queries;
    }

    public static IEnumerable<JsonElement> Panels(JsonElement dashboard)
    {
        foreach (var panel in dashboard.GetProperty("panels").EnumerateArray())
        {
            yield return panel;
            if (panel.TryGetProperty("panels", out var nested))
            {
                foreach (var inner in nested.EnumerateArray())
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>The expr of every alert rule (promtool has checked the YAML itself).</summary>
    public static IReadOnlyList<OpsQuery> AlertQueries()
    {
        var lines = File.ReadAllLines(AlertsPath);
        var queries = new List<OpsQuery>();
        var alert = "";
        for (var i = 0; i < lines.Length; i++)
        {
            var name = AlertLine().Match(lines[i]);
            if (name.Success)
            {
                alert = name.Groups[1].Value;
                continue;
            }
            var expr = ExprLine().Match(lines[i]);
            if (!expr.Success)
            {
                continue;
            }
            if (expr.Groups[2].Value != "|")
            {
                queries.Add(new OpsQuery("alert", alert, expr.Groups[2].Value));
                continue;
            }
            var indent = expr.Groups[1].Value.Length;
            var block = new List<string>();
            while (i + 1 < lines.Length && (lines[i + 1].Trim().Length == 0 || Indent(lines[i + 1]) > indent))
            {
                block.Add(lines[++i].Trim());
            }
            queries.Add(new OpsQuery("alert", alert, string.Join(" ", block).Trim()));
        }
        return queries;
    }

    /// <summary>Grafana's variables replaced by what they expand to, so promtool can parse the query.</summary>
    public static string AsPromQl(string expression) => expression
        .Replace("$__rate_interval", "5m", StringComparison.Ordinal)
        .Replace("$campaign", ".*", StringComparison.Ordinal)
        .Replace("$partner", ".*", StringComparison.Ordinal);

    private static int Indent(string line) => line.Length - line.TrimStart().Length;

    [GeneratedRegex(@"^\s*-\s*alert:\s*(\S+)")]
    private static partial Regex AlertLine();

    [GeneratedRegex(@"^(\s*)expr:\s*(.*)$")]
    private static partial Regex ExprLine();
}
