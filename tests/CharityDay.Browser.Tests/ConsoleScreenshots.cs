using CharityDay.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CharityDay.Browser.Tests;

/// <summary>
/// Pictures of the main pages, for the README and docs/console/. They go to the test output unless
/// CHARITYDAY_CONSOLE_SCREENSHOTS names a directory; docs/console/README.md has the command that
/// refreshes the committed ones.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleScreenshots(ConsoleHost host)
{
    public const string DirectoryVariable = "CHARITYDAY_CONSOLE_SCREENSHOTS";

    [Fact]
    public async Task Screenshots_of_the_main_pages()
    {
        var dir = Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } set ? set : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        await host.OkAsync(HttpMethod.Put, "/v1/admin/campaigns/festival", new { name = "September festival", timeZone = "Asia/Shanghai" });
        await host.OkAsync(HttpMethod.Put, "/v1/admin/projects/water", new { campaignId = "festival", name = "Clean water", organization = "Water Org" });
        await host.OkAsync(HttpMethod.Put, "/v1/admin/projects/books", new { campaignId = "festival", name = "Books for schools", organization = "Read Org" });
        await host.OkAsync(HttpMethod.Put, "/v1/admin/pools/acme", new { campaignId = "festival", sponsor = "ACME", budget = 60_000, ratioBps = 10_000, perDonorDailyCap = 2_000 });
        await host.OkAsync(HttpMethod.Put, "/v1/admin/pools/globex", new { campaignId = "festival", sponsor = "Globex", budget = 90_000, ratioBps = 5_000 });
        await host.OkAsync(HttpMethod.Put, "/v1/admin/partners/tencent", new { name = "Tencent Charity" });
        var partnerKey = (await host.OkAsync(HttpMethod.Post, "/v1/admin/keys", new { role = "partner", partnerId = "tencent" })).GetProperty("secret").GetString()!;

        var page = await Scenario.SignInAsync(host);
        await page.GotoAsync($"{host.ConsoleUrl}#/campaigns/festival");
        // A few seconds of a burst, so the charts have a shape.
        for (var second = 0; second < 8; second++)
        {
            var posts = Enumerable.Range(0, 3 + (second * 2)).Select(i =>
                Scenario.DonateAsync(host, partnerKey, $"shot-{second}-{i}", i % 3 == 0 ? "books" : "water", $"donor-{second}-{i}", 500 + (i * 100)));
            await Task.WhenAll(posts);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        await Expect(page.Locator("[data-total=donationCount]")).Not.ToHaveTextAsync("—");
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "live.png"), FullPage = false });

        await page.Locator("tr[data-pool='acme'] [data-action=manage]").ClickAsync();
        await Scenario.Panel(page).Locator("[name=budgetDelta]").FillAsync("20000");
        await Scenario.Panel(page).Locator("[data-action=top-up]").ClickAsync();
        await Expect(page.Locator("dialog#confirm")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "confirm-top-up.png") });
        await Scenario.ConfirmAsync(page);

        await page.GotoAsync($"{host.ConsoleUrl}#/campaigns");
        await Expect(page.Locator("tr[data-campaign='festival']")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "campaigns.png") });

        await page.GotoAsync($"{host.ConsoleUrl}#/audit?campaignId=festival");
        await Expect(page.Locator("tr[data-audit-action='pool.patch']")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "audit.png") });

        await page.GotoAsync($"{host.ConsoleUrl}#/campaigns/festival");
        await page.Locator("#lang").SelectOptionAsync("zh");
        await Expect(page.Locator("[data-total=raised]")).Not.ToHaveTextAsync("—");
        await Task.Delay(TimeSpan.FromSeconds(2)); // two refreshes: the chart drawn in the new language's page
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "live-zh.png") });

        // A project's use of funds: two reports filed, the page beside what it raised and was matched.
        await page.Locator("#lang").SelectOptionAsync("en");
        await host.OkAsync(HttpMethod.Post, "/v1/admin/projects/water/reports", new
        {
            reportId = "water-2026-09-20", at = "2026-09-20T16:00:00+08:00", title = "Filters installed in Lanping", spent = 3_000,
            items = new object[] { new { description = "water filter", quantity = 12, unit = "units" }, new { description = "installation", quantity = 3, unit = "villages" } },
            evidenceUrl = "https://example.org/water/2026-09-20-receipts.pdf",
        });
        await host.OkAsync(HttpMethod.Post, "/v1/admin/projects/water/reports", new
        {
            reportId = "water-2026-10-05", at = "2026-10-05T11:30:00+08:00", title = "Maintenance visit", spent = 1_250,
            items = new object[] { new { description = "replacement cartridge", quantity = 40, unit = "pcs" } },
        });
        await page.GotoAsync($"{host.ConsoleUrl}#/projects/water/reports");
        await Expect(page.Locator("tr[data-report='water-2026-10-05']")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-total=spent]")).ToHaveTextAsync("¥42.50");
        await page.Locator("form[data-form=report] [name=title]").FillAsync("School water tanks");
        await page.Locator("form[data-form=report] [data-action=add-item]").ClickAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "reports.png"), FullPage = true });

        foreach (var name in new[] { "live.png", "confirm-top-up.png", "campaigns.png", "audit.png", "live-zh.png", "reports.png" })
        {
            Assert.True(new FileInfo(Path.Combine(dir, name)).Length > 10_000, $"{name} is missing or empty in {dir}");
        }
        host.AssertNoScriptErrors(page);
    }
}
