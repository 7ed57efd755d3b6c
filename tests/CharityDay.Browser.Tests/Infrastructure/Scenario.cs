using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CharityDay.Browser.Tests.Infrastructure;

/// <summary>What several console tests set up through the API, and the page steps they share.</summary>
public static class Scenario
{
    /// <summary>A campaign with one open project and one 1:1 pool, and a partner with a key; returns the partner key.</summary>
    public static async Task<string> CampaignWithPoolAsync(ConsoleHost host, string campaignId, string projectId, string poolId, long budgetFen = 100_000)
    {
        await host.OkAsync(HttpMethod.Put, $"/v1/admin/campaigns/{campaignId}", new { name = $"Campaign {campaignId}" });
        await host.OkAsync(HttpMethod.Put, $"/v1/admin/projects/{projectId}", new { campaignId, name = "Clean water", organization = "Water Org" });
        await host.OkAsync(HttpMethod.Put, $"/v1/admin/pools/{poolId}", new { campaignId, sponsor = "ACME", budget = budgetFen, ratioBps = 10_000 });
        var partnerId = "partner-" + campaignId;
        await host.OkAsync(HttpMethod.Put, $"/v1/admin/partners/{partnerId}", new { name = "Test platform" });
        var key = await host.OkAsync(HttpMethod.Post, "/v1/admin/keys", new { role = "partner", partnerId });
        return key.GetProperty("secret").GetString()!;
    }

    public static Task DonateAsync(ConsoleHost host, string partnerKey, string donationId, string projectId, string donorId, long amountFen) =>
        host.OkAsync(HttpMethod.Post, "/v1/donations", new { donationId, projectId, donorId, amount = amountFen }, partnerKey);

    public static async Task<IPage> SignInAsync(ConsoleHost host, string key = ConsoleHost.ManagerKey, string locale = "en-US")
    {
        var page = await host.NewPageAsync(locale);
        await page.GotoAsync(host.ConsoleUrl);
        await page.Locator("form[data-form=signin] [name=key]").FillAsync(key);
        await page.Locator("form[data-form=signin] button[type=submit]").ClickAsync();
        await Expect(page.Locator("[data-role]")).ToBeVisibleAsync();
        return page;
    }

    public static async Task OpenPoolAsync(IPage page, ConsoleHost host, string campaignId, string poolId)
    {
        await page.GotoAsync($"{host.ConsoleUrl}#/campaigns/{campaignId}");
        await page.Locator($"tr[data-pool='{poolId}'] [data-action=manage]").ClickAsync();
        await Expect(page.Locator($"[data-pool-panel='{poolId}']")).ToBeVisibleAsync();
    }

    public static ILocator Panel(IPage page) => page.Locator("#pool-panel");

    public static async Task ConfirmAsync(IPage page)
    {
        await Expect(page.Locator("dialog#confirm")).ToBeVisibleAsync();
        await page.Locator("dialog#confirm [data-confirm=ok]").ClickAsync();
        await Expect(page.Locator("dialog#confirm")).ToBeHiddenAsync();
    }
}
