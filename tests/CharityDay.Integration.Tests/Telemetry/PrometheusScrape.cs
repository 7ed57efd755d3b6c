using System.Globalization;
using System.Text;

namespace CharityDay.Integration.Tests.Telemetry;

public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public override string ToString() => $"{Name}{{{string.Join(",", Labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}} {Value}";
}

/// <summary>A parsed Prometheus text exposition (format 0.0.4), as /metrics serves it.</summary>
public sealed class PrometheusScrape
{
    private PrometheusScrape(string text, List<Sample> samples, Dictionary<string, string> types, Dictionary<string, string> help)
    {
        Text = text;
        Samples = samples;
        Types = types;
        Help = help;
    }

    public string Text { get; }

    public IReadOnlyList<Sample> Samples { get; }

    /// <summary>Metric family name → counter, gauge, histogram, …</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlyDictionary<string, string> Help { get; }

    public ISet<string> Names => Samples.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

    public static async Task<PrometheusScrape> FromAsync(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new Xunit.Sdk.XunitException($"GET /metrics answered {(int)response.StatusCode}: {text}");
        }
        return Parse(text);
    }

    public static PrometheusScrape Parse(string text)
    {
        var samples = new List<Sample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var help = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal) || line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line[7..];
                var space = rest.IndexOf(' ', StringComparison.Ordinal);
                (line.StartsWith("# TYPE", StringComparison.Ordinal) ? types : help)[rest[..space]] = rest[(space + 1)..];
                continue;
            }
            if (line[0] == '#')
            {
                continue;
            }
            samples.Add(ParseSample(line));
        }
        return new PrometheusScrape(text, samples, types, help);
    }

    /// <summary>Samples of <paramref name="name"/> whose labels include every given pair.</summary>
    public IReadOnlyList<Sample> Find(string name, params (string Label, string Value)[] labels) =>
        [.. Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value))];

    /// <summary>The one sample of <paramref name="name"/> with these labels; fails showing what there is.</summary>
    public double Single(string name, params (string Label, string Value)[] labels)
    {
        var found = Find(name, labels);
        if (found.Count != 1)
        {
            var family = Samples.Where(s => s.Name == name).Select(s => s.ToString()).ToList();
            throw new Xunit.Sdk.XunitException(
                $"expected exactly one {name} with {string.Join(", ", labels.Select(l => $"{l.Label}={l.Value}"))}, found {found.Count}; " +
                $"the scrape has {family.Count} {name} series:\n{string.Join("\n", family.Take(40))}");
        }
        return found[0].Value;
    }

    private static Sample ParseSample(string line)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var brace = line.IndexOf('{', StringComparison.Ordinal);
        var firstSpace = line.IndexOf(' ', StringComparison.Ordinal);
        string name;
        int valueStart;
        if (brace >= 0 && brace < firstSpace)
        {
            name = line[..brace];
            var i = brace + 1;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var label = line[i..eq].Trim().TrimStart(',').Trim();
                i = eq + 2; // past ="
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }
                    i++;
                }
                labels[label] = value.ToString();
                i++; // past closing quote
                if (line[i] == ',')
                {
                    i++;
                }
            }
            valueStart = i + 2;
        }
        else
        {
            name = line[..firstSpace];
            valueStart = firstSpace + 1;
        }
        var valueText = line[valueStart..].Split(' ')[0];
        var number = valueText switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, number);
    }
}
