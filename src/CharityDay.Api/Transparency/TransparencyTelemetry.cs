using System.Diagnostics.Metrics;
using CharityDay.Contracts.Telemetry;

namespace CharityDay.Api.Transparency;

/// <summary>The exports' instruments on the CharityDay meter. Tags: export kind, format, result (bounded).</summary>
public static class TransparencyTelemetry
{
    public static readonly Counter<long> ExportRows = CharityDayTelemetry.Meter.CreateCounter<long>(
        "charityday.exports.rows", "{row}", "Rows written by exports, statements and disclosures, by export and format.");

    public static readonly Histogram<double> ExportDuration = CharityDayTelemetry.Meter.CreateHistogram<double>(
        "charityday.exports.duration", "ms", "One export, statement or disclosure from its request to its last byte, by export, format and result.");

    public static void Register() => _ = (ExportRows, ExportDuration);

    public static KeyValuePair<string, object?>[] Tags(string export, string format, string result) =>
        [new("export", export), new("format", format), new("result", result)];

    /// <summary>Counts one answered export: its rows and its time since <paramref name="startedTimestamp"/> (a Stopwatch timestamp).</summary>
    public static void Record(string export, string format, string result, long rows, long startedTimestamp)
    {
        var tags = Tags(export, format, result);
        ExportRows.Add(rows, tags);
        ExportDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds, tags);
    }
}
