using CharityDay.Host;

namespace CharityDay.Integration.Tests.Transparency;

/// <summary><c>CharityDay__CheckpointInterval</c> takes the forms operators and tests write; anything else is refused at start (ValidateOnStart).</summary>
public sealed class CheckpointIntervalTests
{
    [Theory]
    [InlineData("2", 2_000)]
    [InlineData("1.5", 1_500)]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("10m", 600_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("01:00:00", 3_600_000)]
    [InlineData("00:00:05", 5_000)]
    [InlineData("PT30S", 30_000)]
    public void Interval_forms_parse(string text, long expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), LedgerProofHosting.ParseInterval(text));

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("soon")]
    [InlineData("00:00:00")]
    public void Nonsense_intervals_do_not_parse(string text) => Assert.Null(LedgerProofHosting.ParseInterval(text));
}
