using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace CharityDay.LoadTesting;

/// <summary>
/// Command-line pieces both load tools (bench and rehearsal) share, compiled into each
/// (linked source: the tools have no library in common and need none for this).
/// </summary>
internal static class CommandLine
{
    /// <summary>A duration option's parser: <c>30s</c>, <c>500ms</c>, <c>2m</c>, <c>1h</c>, seconds, or <c>hh:mm:ss</c>; above zero.</summary>
    public static TimeSpan ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (DurationText.TryParse(text, out var value))
        {
            return value;
        }

        result.AddError($"'{text}' is not a duration (examples: 30s, 500ms, 2m, 00:01:00)");
        return default;
    }

    /// <summary>As <see cref="ParseDuration"/>, and <c>0</c> for "none".</summary>
    public static TimeSpan ParseDurationOrZero(ArgumentResult result) =>
        result.Tokens.Count > 0 && result.Tokens[0].Value.Trim() == "0" ? TimeSpan.Zero : ParseDuration(result);

    /// <summary>Parse errors on stderr and exit code 2; otherwise runs the command.</summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args, string helpHint, TimeSpan terminationTimeout)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync(error.Message);
            }

            await Console.Error.WriteLineAsync($"see: {helpHint}");
            return 2;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = terminationTimeout });
    }
}

/// <summary>Parses durations such as <c>30s</c>, <c>500ms</c>, <c>2m</c>, <c>1h</c>, a bare number of seconds, or <c>hh:mm:ss</c>.</summary>
internal static class DurationText
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        var t = text.Trim();
        (string Suffix, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, unit) in units)
        {
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(t[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0)
            {
                value = TimeSpan.FromSeconds(n * unit);
                return true;
            }
        }

        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            value = TimeSpan.FromSeconds(seconds);
            return true;
        }

        return TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out value) && value > TimeSpan.Zero;
    }

    public static string Format(TimeSpan value) =>
        value.TotalSeconds >= 1 && value.Milliseconds == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0}s")
            : string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0}ms");
}
