using System.Globalization;
using System.Net;
using System.Text;
using CharityDay.Rehearsal.Verdict;

namespace CharityDay.Rehearsal.Report;

public sealed record Table(string Title, string[] Header, List<string[]> Rows);

/// <summary>report.md and report.html: the same tables, the charts, and links to the CSV files.</summary>
public static class Documents
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Write(string dir, Summary s, VerdictResult verdict, IReadOnlyList<string> charts, IReadOnlyList<string> csv, string targetText)
    {
        var tables = Tables(s, verdict, targetText);
        var title = $"CharityDay rehearsal {s.Log.Target.CampaignId}";
        var result = verdict.Passed ? "PASS" : "FAIL";
        var lead = $"Verdict: **{result}** — {verdict.Checks.Count(c => c.Passed)} of {verdict.Checks.Count} checks passed.";

        var md = new StringBuilder();
        md.Append("# ").Append(title).Append("\n\n").Append(lead).Append("\n\n");
        foreach (var t in tables.Take(3))
        {
            Markdown(md, t);
        }

        md.Append("## Charts\n\n");
        foreach (var chart in charts)
        {
            md.Append(C, $"![{chart}]({chart})\n\n");
        }

        foreach (var t in tables.Skip(3))
        {
            Markdown(md, t);
        }

        md.Append("## Raw numbers\n\n").AppendJoin("", csv.Select(f => $"- [{f}]({f})\n")).Append('\n');
        File.WriteAllText(Path.Combine(dir, "report.md"), md.ToString());

        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222}table{border-collapse:collapse;margin:0 0 1.5rem}")
            .Append("td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}th{background:#f3f3f3}")
            .Append(".pass{color:#176f2c;font-weight:600}.fail{color:#b00020;font-weight:600}img{max-width:100%;border:1px solid #eee;margin:.5rem 0}")
            .Append("</style></head><body>");
        html.Append("<h1>").Append(E(title)).Append("</h1><p>Verdict: <span class=\"").Append(verdict.Passed ? "pass" : "fail").Append("\">").Append(result)
            .Append("</span> — ").Append(verdict.Checks.Count(c => c.Passed)).Append(" of ").Append(verdict.Checks.Count).Append(" checks passed.</p>");
        foreach (var t in tables.Take(3))
        {
            Html(html, t);
        }

        html.Append("<h2>Charts</h2>");
        foreach (var chart in charts)
        {
            html.Append("<img src=\"").Append(E(chart)).Append("\" alt=\"").Append(E(chart)).Append("\">");
        }

        foreach (var t in tables.Skip(3))
        {
            Html(html, t);
        }

        html.Append("<h2>Raw numbers</h2><ul>").AppendJoin("", csv.Select(f => $"<li><a href=\"{E(f)}\">{E(f)}</a></li>")).Append("</ul></body></html>");
        File.WriteAllText(Path.Combine(dir, "report.html"), html.ToString());
    }

    public static List<Table> Tables(Summary s, VerdictResult verdict, string targetText)
    {
        var plan = s.Log.Plan;
        var st = plan.Settings;
        string Yuan(long fen) => (fen / 100.0).ToString("N2", C);
        string Ms(double ms) => ms.ToString("N1", C) + " ms";
        var peak = s.Seconds.Count == 0 ? 0 : s.Seconds.Max(r => r.Acked);
        var acked = s.Partners.Sum(p => p.Acked);
        return
        [
            new("The day", ["", ""],
            [
                ["target", targetText],
                ["mode", s.Log.Mode == "open" ? "open loop (each request leaves at its planned time)" : "closed loop"],
                ["day", string.Create(C, $"{st.Duration.TotalSeconds:0} s, peak {st.PeakRate:N0} donations/s, seed {st.Seed}, started {s.Log.StartedUtc:u}")],
                ["population", string.Create(C, $"{Scenario.Population.Partners.Count} partners, {plan.Population.Projects.Count:N0} projects (Zipf popularity, joint-fundraising families), {st.Bots} scripted donors")],
                ["requests planned", string.Create(C, $"{plan.Events.Count:N0} ({s.AttemptsSent:N0} HTTP attempts sent)")],
            ]),
            new("Headline figures", ["", ""],
            [
                ["donations acknowledged", string.Create(C, $"{acked:N0} — {Yuan(s.Partners.Sum(p => p.RaisedFen))} yuan given, {Yuan(s.Partners.Sum(p => p.MatchedFen))} yuan matched at acknowledgement")],
                ["throughput", string.Create(C, $"peak {peak:N0}/s acknowledged, average {acked / Math.Max(0.001, s.LoadSeconds):N0}/s over {s.LoadSeconds:N1} s")],
                ["latency (from planned send)", $"p50 {Ms(Summary.Ms(s.Latency, 50))} · p90 {Ms(Summary.Ms(s.Latency, 90))} · p99 {Ms(Summary.Ms(s.Latency, 99))} · p99.9 {Ms(Summary.Ms(s.Latency, 99.9))} · max {Ms(Summary.Ms(s.Latency, 100))}"],
                ["service time (last attempt)", $"p50 {Ms(Summary.Ms(s.Service, 50))} · p99 {Ms(Summary.Ms(s.Service, 99))} · max {Ms(Summary.Ms(s.Service, 100))}"],
                ["partner behaviour", string.Create(C, $"{s.Partners.Sum(p => p.Retries):N0} retries, {s.Partners.Sum(p => p.Replays):N0} replays, {s.Partners.Sum(p => p.Refunds):N0} refunds, {s.Partners.Sum(p => p.BadRefused):N0} bad requests refused")],
                ["requests that failed", string.Create(C, $"{s.Unexpected:N0}")],
            ]),
            new("Verdict", ["", "check", "expected", "actual"],
                [.. verdict.Checks.Select(c => new[] { c.Passed ? "PASS" : "FAIL", c.Name, c.Expected, c.Actual })]),
            new("Partners", ["partner", "requests", "acknowledged", "raised (yuan)", "matched (yuan)", "refunds", "retries", "replays", "bad refused", "failed", "p50", "p99"],
                [.. s.Partners.Select(p => new[]
                {
                    p.PartnerId, N(p.Requests), N(p.Acked), Yuan(p.RaisedFen), Yuan(p.MatchedFen), N(p.Refunds), N(p.Retries), N(p.Replays),
                    N(p.BadRefused), N(p.Unexpected), Ms(p.P50Ms), Ms(p.P99Ms),
                })]),
            new("Pools at the end", ["pool", "sponsor", "rules", "budget (yuan)", "matched (yuan)", "remaining (yuan)"],
                [.. plan.Pools.Select(p =>
                {
                    var last = s.Log.PoolSamples.Where(x => x.PoolId == p.PoolId(st.CampaignId)).MaxBy(x => x.AtMicros);
                    return new[] { p.Key, p.Sponsor, Rules(p), Yuan(last?.BudgetFen ?? p.BudgetFen), Yuan(last?.MatchedFen ?? 0), Yuan(last?.RemainingFen ?? 0) };
                })]),
            new("Manager actions", ["at", "action", "answered in", "result"],
                [.. s.Log.Manager.Select(m => new[]
                {
                    string.Create(C, $"{m.SentMicros / 1e6:N1} s"), m.Action.Describe(), Ms((m.AnsweredMicros - m.SentMicros) / 1000.0),
                    m.Status == 0 ? "FAILED: " + m.Detail : "ok " + m.Detail,
                })]),
            new("Outcomes", ["request", "count"],
                [.. s.Outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => new[] { o.Key, N(o.Value) })]),
        ];
    }

    private static string Rules(Scenario.PoolPlan p)
    {
        var parts = new List<string>
        {
            p.RandomRatioBps is { } r ? $"random ratio {r.Min}–{r.Max} bps" : $"ratio {p.RatioBps} bps",
        };
        void Add(string name, long? value)
        {
            if (value is { } v)
            {
                parts.Add($"{name} {v:N0}");
            }
        }

        Add("perDonationCap", p.PerDonationCapFen);
        Add("perDonorDailyCap", p.PerDonorDailyCapFen);
        Add("perDonorDailyCount", p.PerDonorDailyCount);
        Add("perDonorMinuteCount", p.PerDonorMinuteCount);
        Add("perProjectCap", p.PerProjectCapFen);
        Add("dailyBudget", p.DailyBudgetFen);
        Add("minDonation", p.MinDonationFen);
        if (p.ProjectIds is { } ids)
        {
            parts.Add($"{ids.Count} projects");
        }

        if (p.StartsPaused)
        {
            parts.Add("opens at the tranche");
        }

        return string.Join(", ", parts);
    }

    private static string N(long value) => value.ToString("N0", C);

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static void Markdown(StringBuilder md, Table t)
    {
        md.Append("## ").Append(t.Title).Append("\n\n| ").AppendJoin(" | ", t.Header).Append(" |\n|").AppendJoin("|", t.Header.Select(_ => "---")).Append("|\n");
        foreach (var row in t.Rows)
        {
            md.Append("| ").AppendJoin(" | ", row.Select(cell => cell.Replace("|", "\\|", StringComparison.Ordinal))).Append(" |\n");
        }

        md.Append('\n');
    }

    private static void Html(StringBuilder html, Table t)
    {
        html.Append("<h2>").Append(E(t.Title)).Append("</h2><table><tr>").AppendJoin("", t.Header.Select(h => $"<th>{E(h)}</th>")).Append("</tr>");
        foreach (var row in t.Rows)
        {
            html.Append("<tr>").AppendJoin("", row.Select(cell => cell is "PASS" or "FAIL"
                ? $"<td class=\"{cell.ToLowerInvariant()}\">{cell}</td>"
                : $"<td>{E(cell)}</td>")).Append("</tr>");
        }

        html.Append("</table>");
    }
}
