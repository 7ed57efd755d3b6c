using CharityDay.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace CharityDay.Browser.Tests;

/// <summary>SPEC §4 "Safe administration" as the console keeps it: edits keep what the form does not show, and a stale read is refused.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class EditTests(ConsoleHost host)
{
    [Fact]
    public async Task A_change_reviewed_against_settings_another_manager_has_since_changed_is_refused_and_changes_nothing()
    {
        await Scenario.CampaignWithPoolAsync(host, "stale-g", "stale-g-water", "stale-g-acme");
        var page = await Scenario.SignInAsync(host);
        await Scenario.OpenPoolAsync(page, host, "stale-g", "stale-g-acme");
        var panel = Scenario.Panel(page);
        await panel.Locator("[name=budgetDelta]").FillAsync("900");
        await panel.Locator("[data-action=top-up]").ClickAsync();
        await Expect(page.Locator("dialog#confirm")).ToBeVisibleAsync();

        // Someone else changes the pool while the confirmation is open.
        await host.OkAsync(HttpMethod.Patch, "/v1/admin/pools/stale-g-acme", new { ratioBps = 5_000 });
        await Scenario.ConfirmAsync(page);

        await Expect(panel.Locator("form[data-form=budget] .form-error")).ToContainTextAsync("412");
        var pool = await host.OkAsync(HttpMethod.Get, "/v1/admin/pools/stale-g-acme");
        Assert.Equal(100_000, pool.GetProperty("budget").GetInt64());
        Assert.Equal(5_000, pool.GetProperty("ratioBps").GetInt32());
        host.AssertNoScriptErrors(page);
    }

    [Fact]
    public async Task Editing_a_pool_and_a_project_in_the_page_keeps_the_settings_the_form_does_not_show()
    {
        await Scenario.CampaignWithPoolAsync(host, "edit-h", "edit-h-water", "edit-h-acme");
        await host.OkAsync(HttpMethod.Put, "/v1/admin/pools/edit-h-lucky", new { campaignId = "edit-h", sponsor = "Lucky", budget = 50_000, randomRatioBps = new { min = 5_000, max = 20_000 } });
        var page = await Scenario.SignInAsync(host);
        await Scenario.OpenPoolAsync(page, host, "edit-h", "edit-h-lucky");
        await Scenario.Panel(page).Locator("[data-action=edit-pool]").ClickAsync();
        var form = page.Locator("form[data-form=pool]");
        await Expect(form.Locator("[name=poolId]")).ToHaveValueAsync("edit-h-lucky");
        await form.Locator("[name=sponsor]").FillAsync("Lucky Star");
        await form.Locator("[name=perDonorDailyCap]").FillAsync("3000");
        await form.Locator("[data-action=save-pool]").ClickAsync();
        await Expect(page.Locator("dialog#confirm tr", new() { HasText = "sponsor" })).ToContainTextAsync("Lucky Star");
        await Scenario.ConfirmAsync(page);
        await Expect(page.Locator("tr[data-pool='edit-h-lucky'] [data-col=sponsor]")).ToHaveTextAsync("Lucky Star");
        var pool = await host.OkAsync(HttpMethod.Get, "/v1/admin/pools/edit-h-lucky");
        Assert.Equal(3_000, pool.GetProperty("perDonorDailyCap").GetInt64());
        Assert.Equal(20_000, pool.GetProperty("randomRatioBps").GetProperty("max").GetInt32());

        await page.Locator("tr[data-project='edit-h-water'] button").ClickAsync();
        var project = page.Locator("form[data-form=project]");
        await Expect(project.Locator("[name=projectId]")).ToHaveValueAsync("edit-h-water");
        await project.Locator("[name=status]").SelectOptionAsync("closed");
        await project.Locator("[data-action=save-project]").ClickAsync();
        await Scenario.ConfirmAsync(page);
        await Expect(page.Locator("tr[data-project='edit-h-water']")).ToContainTextAsync("closed");
        var saved = await host.OkAsync(HttpMethod.Get, "/v1/admin/projects/edit-h-water");
        Assert.Equal("closed", saved.GetProperty("status").GetString());
        Assert.Equal("Water Org", saved.GetProperty("organization").GetString());
        host.AssertNoScriptErrors(page);
    }
}
