using CharityDay.Rehearsal.Scenario;
using ScottPlot;

namespace CharityDay.Rehearsal.Report;

/// <summary>The report's pictures, drawn with ScottPlot: throughput, latency percentiles, pools over time, partners.</summary>
public static class Charts
{
    public const string Throughput = "throughput.png";
    public const string Latency = "latency.png";
    public const string Pools = "pools.png";
    public const string Partners = "partners.png";

    private const int Width = 1000;
    private const int Height = 480;

    public static IReadOnlyList<string> Write(string dir, Summary summary)
    {
        Fonts.Default = "DejaVu Sans";
        DrawThroughput(summary).SavePng(Path.Combine(dir, Throughput), Width, Height);
        DrawLatency(summary).SavePng(Path.Combine(dir, Latency), Width, Height);
        DrawPools(summary).SavePng(Path.Combine(dir, Pools), Width, Height);
        DrawPartners(summary).SavePng(Path.Combine(dir, Partners), Width, Height);
        return [Throughput, Latency, Pools, Partners];
    }

    private static Plot DrawThroughput(Summary s)
    {
        var plt = new Plot();
        var shape = s.Log.Plan.Shape;
        var fine = Enumerable.Range(0, 400).Select(i => i * shape.Seconds / 400).ToArray();
        Line(plt, fine, [.. fine.Select(shape.RateAt)], "target (shape of the day)", Colors.Gray, dashed: true);
        var x = s.Seconds.Select(r => r.Second + 0.5).ToArray();
        Line(plt, x, [.. s.Seconds.Select(r => (double)r.Sent)], "sent / s", Colors.SteelBlue);
        Line(plt, x, [.. s.Seconds.Select(r => (double)r.Acked)], "acknowledged / s", Colors.SeaGreen);
        Line(plt, x, [.. s.Seconds.Select(r => (double)(r.AttemptErrors + r.Refused))], "errors / s", Colors.Crimson);
        ManagerMarks(plt, s);
        plt.Title("Throughput: requests per second over the day");
        plt.XLabel("seconds since the start of the (compressed) day");
        plt.YLabel("requests per second");
        plt.Axes.SetLimitsY(0, Math.Max(1, s.Seconds.Max(r => Math.Max(r.Sent, r.TargetRate)) * 1.1));
        plt.ShowLegend(Alignment.UpperRight);
        return plt;
    }

    private static Plot DrawLatency(Summary s)
    {
        var plt = new Plot();
        var rows = s.Seconds.Where(r => r.Planned > 0).ToList();
        var x = rows.Select(r => r.Second + 0.5).ToArray();
        Line(plt, x, [.. rows.Select(r => r.MaxMs)], "max", Colors.LightGray);
        Line(plt, x, [.. rows.Select(r => r.P999Ms)], "p99.9", Colors.Purple);
        Line(plt, x, [.. rows.Select(r => r.P99Ms)], "p99", Colors.Crimson);
        Line(plt, x, [.. rows.Select(r => r.P90Ms)], "p90", Colors.DarkOrange);
        Line(plt, x, [.. rows.Select(r => r.P50Ms)], "p50", Colors.SteelBlue);
        ManagerMarks(plt, s);
        var mode = s.Log.Mode == "open" ? "from the planned send time (open loop, no coordinated omission)" : "closed loop";
        plt.Title($"Latency percentiles per second, {mode}");
        plt.XLabel("seconds since the start of the day (by planned send time)");
        plt.YLabel("milliseconds");
        var top = rows.Count == 0 ? 1 : rows.Max(r => r.P999Ms);
        plt.Axes.SetLimitsY(0, Math.Max(1, top * 1.15));
        plt.ShowLegend(Alignment.UpperRight);
        return plt;
    }

    private static Plot DrawPools(Summary s)
    {
        var plt = new Plot();
        var campaignId = s.Log.Target.CampaignId;
        Color[] palette = [Colors.DarkOrange, Colors.SteelBlue, Colors.SeaGreen, Colors.Purple, Colors.Crimson];
        var i = 0;
        foreach (var pool in s.Log.PoolSamples.GroupBy(p => p.PoolId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var points = pool.OrderBy(p => p.AtMicros).ToList();
            var name = pool.Key.StartsWith(campaignId + "-", StringComparison.Ordinal) ? pool.Key[(campaignId.Length + 1)..] : pool.Key;
            var sponsor = s.Log.Plan.Pools.FirstOrDefault(p => p.Key == name)?.Sponsor;
            // Share of the current budget, so a small pool and a large one read on the same scale.
            var line = plt.Add.ScatterLine(points.Select(p => p.AtMicros / 1e6).ToArray(),
                points.Select(p => p.BudgetFen == 0 ? 0 : 100.0 * p.RemainingFen / p.BudgetFen).ToArray());
            var last = points[^1];
            line.LegendText = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{name} ({sponsor ?? "?"}): {last.RemainingFen / 100.0:N0} of {last.BudgetFen / 100.0:N0} yuan left");
            line.Color = palette[i++ % palette.Length];
            line.LineWidth = 2;
            line.ConnectStyle = ConnectStyle.StepHorizontal;
        }

        ManagerMarks(plt, s);
        plt.Title("Matching pools: remaining budget over the day");
        plt.XLabel("seconds since the start of the day");
        plt.YLabel("remaining (% of the pool's budget)");
        plt.Axes.SetLimitsY(0, 115);
        plt.ShowLegend(Alignment.UpperRight);
        return plt;
    }

    private static Plot DrawPartners(Summary s)
    {
        var plt = new Plot();
        var rows = s.Partners;
        var maxAcked = Math.Max(1, rows.Max(r => r.Acked));
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var bar = plt.Add.Bar(position: i, value: r.Acked);
            bar.Color = Colors.SteelBlue;
            var label = plt.Add.Text($"{r.RaisedFen / 100.0:N0} yuan\np50 {r.P50Ms:N1} ms · p99 {r.P99Ms:N1} ms\n{r.Retries:N0} retries · {r.Refunds:N0} refunds · {r.Unexpected:N0} failed", i, r.Acked + (maxAcked * 0.02));
            label.LabelFontSize = 11;
            label.LabelAlignment = Alignment.LowerCenter;
        }

        plt.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. rows.Select((_, i) => (double)i)], [.. rows.Select(r => r.PartnerId)]);
        plt.Axes.SetLimits(-0.6, rows.Count - 0.4, 0, maxAcked * 1.35);
        plt.Title("Per partner: donations acknowledged, amount, latency, retries");
        plt.YLabel("donations acknowledged");
        return plt;
    }

    private static void Line(Plot plt, double[] x, double[] y, string legend, Color color, bool dashed = false)
    {
        if (x.Length == 0)
        {
            return;
        }

        var line = plt.Add.ScatterLine(x, y);
        line.LegendText = legend;
        line.Color = color;
        line.LineWidth = 2;
        if (dashed)
        {
            line.LinePattern = LinePattern.Dashed;
        }
    }

    /// <summary>The manager's actions as labelled vertical lines: they explain the steps in the pool and throughput charts.</summary>
    private static void ManagerMarks(Plot plt, Summary s)
    {
        foreach (var m in s.Log.Manager)
        {
            var line = plt.Add.VerticalLine(m.SentMicros / 1e6);
            line.Color = Colors.Gray.WithAlpha(0.6);
            line.LinePattern = LinePattern.Dotted;
            line.Text = m.Action.Kind switch
            {
                ManagerActionKind.OpenTranche => "tranche opens",
                ManagerActionKind.TopUp => "top-up",
                ManagerActionKind.Pause => "pause",
                ManagerActionKind.Resume => "resume",
                _ => "clawback",
            };
            line.LabelFontSize = 10;
        }
    }
}
