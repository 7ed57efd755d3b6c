using System.Text.RegularExpressions;

namespace CharityDay.Integration.Tests.Telemetry;

/// <summary>
/// The metric names a PromQL expression (or a Grafana label_values() query) selects. Not a
/// parser: it removes what cannot be a metric name (strings, label matchers, ranges, grouping
/// labels, function calls, keywords, numbers) and keeps the identifiers that are left.
/// </summary>
public static partial class PromQlNames
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan", "atan2",
    };

    public static ISet<string> Of(string expression)
    {
        var labelValues = LabelValues().Match(expression);
        if (labelValues.Success)
        {
            return new HashSet<string>([labelValues.Groups[1].Value], StringComparer.Ordinal);
        }
        var text = Strings().Replace(expression, "\"\"");
        text = Matchers().Replace(text, " ");
        text = Ranges().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in Identifiers().Matches(text))
        {
            if (!m.Groups["call"].Success && !Keywords.Contains(m.Groups["name"].Value))
            {
                names.Add(m.Groups["name"].Value);
            }
        }
        return names;
    }

    [GeneratedRegex("""label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)""")]
    private static partial Regex LabelValues();

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""|'(?:[^'\\]|\\.)*'")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w.$])(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<call>\s*\()?")]
    private static partial Regex Identifiers();
}
