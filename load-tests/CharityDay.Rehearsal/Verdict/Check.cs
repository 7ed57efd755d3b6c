using System.Globalization;

namespace CharityDay.Rehearsal.Verdict;

public sealed record Check(string Name, bool Passed, string Expected, string Actual);

public sealed record VerdictResult(IReadOnlyList<Check> Checks)
{
    public bool Passed => Checks.Count > 0 && Checks.All(c => c.Passed);

    public IEnumerable<Check> Failed => Checks.Where(c => !c.Passed);
}

internal static class Checks
{
    public static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static Check Equal(string name, long expected, long actual) => new(name, expected == actual, N(expected), N(actual));

    /// <summary>A check over many items: passes with no problem; shows the count and the first few problems.</summary>
    public static Check None(string name, long examined, IReadOnlyCollection<string> problems, string what = "checked") =>
        new(name, problems.Count == 0, $"0 problems in {N(examined)} {what}",
            problems.Count == 0 ? $"0 problems in {N(examined)} {what}" : $"{N(problems.Count)} problem(s), e.g. {string.Join("; ", problems.Take(3))}");
}
