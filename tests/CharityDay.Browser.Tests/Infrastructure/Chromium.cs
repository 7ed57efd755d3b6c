using Microsoft.Playwright;

namespace CharityDay.Browser.Tests.Infrastructure;

/// <summary>
/// Debian's chromium, driven by Playwright through <c>ExecutablePath</c>: Playwright's own browser
/// download is not reachable from these machines, so the test command installs the distribution's
/// package instead (scripts/lib/services.sh) and exports its path. A missing browser fails the run:
/// a console nobody tested must not pass as green.
/// </summary>
public static class Chromium
{
    public const string PathVariable = "CHARITYDAY_TEST_CHROMIUM";
    public const string DefaultPath = "/usr/bin/chromium";

    public static string ExecutablePath()
    {
        var path = Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } set ? set : DefaultPath;
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"chromium is not at {path}: run the tests through scripts/test.sh (it installs Debian's chromium) or set {PathVariable}", path);
    }

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath(),
            Headless = true,
            // The tests run as root in CI containers, where chromium's sandbox cannot start.
            Args = ["--no-sandbox"],
        });
}
