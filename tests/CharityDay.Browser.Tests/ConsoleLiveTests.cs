using System.Text.RegularExpressions;
using CharityDay.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CharityDay.Browser.Tests;

/// <summary>SPEC §8 in a real browser: sign in, set up a campaign in the page, watch donations arrive.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleLiveTests(ConsoleHost host)
{
    [Fact]
    public async Task Leaving_a_page_before_its_reads_answer_throws_nothing()
    {
        await Scenario.CampaignWithPoolAsync(host, "live-slow", "live-slow-water", "live-slow-acme");
        var page = await Scenario.SignInAsync(host);
        // The campaign's settings answer late: the manager is on another page by then.
        await page.RouteAsync("**/v1/admin/campaigns/live-slow", async route =>
        {
            await Task.Delay(700);
            await route.ContinueAsync();
        });
        await page.GotoAsync($"{host.ConsoleUrl}#/campaigns/live-slow");
        await page.GotoAsync($"{host.ConsoleUrl}#/audit");
        await page.WaitForTimeoutAsync(1_500);
        host.AssertNoScriptErrors(page);
    }

    [Fact]
    public async Task Manager_signs_in_sets_up_a_campaign_in_the_page_and_watches_donations_move_the_totals()
    {
        var page = await Scenario.SignInAsync(host);
        await Expect(page.Locator("[data-role]")).ToHaveTextAsync("manager");
        // The key is kept for this tab only: never in localStorage or a cookie.
        Assert.Equal(ConsoleHost.ManagerKey, await page.EvaluateAsync<string>("() => sessionStorage.getItem('charityday.console.key')"));
        Assert.DoesNotContain(ConsoleHost.ManagerKey, await page.EvaluateAsync<string>("() => JSON.stringify(localStorage) + document.cookie"));

        var campaign = page.Locator("form[data-form=campaign]");
        await campaign.Locator("[name=campaignId]").FillAsync("live-a");
        await campaign.Locator("[name=name]").FillAsync("Festival A");
        await campaign.Locator("[data-action=save-campaign]").ClickAsync();
        await Expect(page.Locator("dialog#confirm")).ToContainTextAsync("Festival A");
        await Scenario.ConfirmAsync(page);
        await Expect(page).ToHaveURLAsync(new Regex("#/campaigns/live-a$"));

        var project = page.Locator("form[data-form=project]");
        await project.Locator("[name=projectId]").FillAsync("live-a-water");
        await project.Locator("[name=name]").FillAsync("Clean water");
        await project.Locator("[data-action=save-project]").ClickAsync();
        await Scenario.ConfirmAsync(page);
        await Expect(page.Locator("tr[data-project='live-a-water']")).ToBeVisibleAsync();

        var pool = page.Locator("form[data-form=pool]");
        await pool.Locator("[name=poolId]").FillAsync("live-a-acme");
        await pool.Locator("[name=sponsor]").FillAsync("ACME");
        await pool.Locator("[name=budget]").FillAsync("100000");
        await pool.Locator("[name=ratioBps]").FillAsync("10000");
        await pool.Locator("[data-action=save-pool]").ClickAsync();
        await Scenario.ConfirmAsync(page);
        await Expect(page.Locator("tr[data-pool='live-a-acme'] [data-col=remaining]")).ToHaveTextAsync("¥1,000.00");

        // What the page created is what the API holds.
        var created = await host.OkAsync(HttpMethod.Get, "/v1/admin/pools/live-a-acme");
        Assert.Equal("live-a", created.GetProperty("campaignId").GetString());
        Assert.Equal(100_000, created.GetProperty("budget").GetInt64());
        Assert.Equal("Clean water", (await host.OkAsync(HttpMethod.Get, "/v1/admin/projects/live-a-water")).GetProperty("name").GetString());

        await host.OkAsync(HttpMethod.Put, "/v1/admin/partners/live-a-platform", new { name = "Platform" });
        var partnerKey = (await host.OkAsync(HttpMethod.Post, "/v1/admin/keys", new { role = "partner", partnerId = "live-a-platform" })).GetProperty("secret").GetString()!;
        for (var i = 1; i <= 3; i++)
        {
            await Scenario.DonateAsync(host, partnerKey, $"live-a-d{i}", "live-a-water", $"donor-{i}", 1_000);
        }

        await Expect(page.Locator("[data-total=raised]")).ToHaveTextAsync("¥30.00");
        await Expect(page.Locator("[data-total=matched]")).ToHaveTextAsync("¥30.00");
        await Expect(page.Locator("[data-total=donationCount]")).ToHaveTextAsync("3");
        await Expect(page.Locator("tr[data-pool='live-a-acme'] [data-col=remaining]")).ToHaveTextAsync("¥970.00");
        await Expect(page.Locator("tr[data-pool='live-a-acme'] [data-col=matchedToday]")).ToHaveTextAsync("¥30.00");
        // Rates come from deltas between refreshes: three donations within the window make it positive.
        await Expect(page.Locator("[data-total=rate]")).Not.ToHaveTextAsync("—");
        await Expect(page.Locator(".charts svg")).ToHaveCountAsync(2);
        host.AssertNoScriptErrors(page);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_at_the_key_field()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync(host.ConsoleUrl);
        await page.Locator("form[data-form=signin] [name=key]").FillAsync("not-a-key-at-all-0123456789abcdef");
        await page.Locator("form[data-form=signin] button[type=submit]").ClickAsync();
        await Expect(page.Locator("[data-error-for=key]")).ToContainTextAsync("not valid");
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('charityday.console.key')"));
        host.AssertNoScriptErrors(page);
    }

    [Fact]
    public async Task The_console_is_served_by_the_host_with_a_strict_content_security_policy()
    {
        using var response = await host.Http.GetAsync(new Uri("/console", UriKind.Relative));
        Assert.Equal("/console/", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        using var missing = await host.Http.GetAsync(new Uri("/console/nope.js", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
    }
}
