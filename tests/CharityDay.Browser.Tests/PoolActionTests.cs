using CharityDay.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CharityDay.Browser.Tests;

/// <summary>SPEC §8: a pool changed live from the page goes through the API's rules (§4) and shows there.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class PoolActionTests(ConsoleHost host)
{
    [Fact]
    public async Task Top_up_pause_and_clawback_in_the_page_show_through_the_API_and_in_the_audit_log()
    {
        var partnerKey = await Scenario.CampaignWithPoolAsync(host, "act-b", "act-b-water", "act-b-acme");
        await Scenario.DonateAsync(host, partnerKey, "act-b-d1", "act-b-water", "bot-1", 1_000);
        var page = await Scenario.SignInAsync(host);
        var writes = new List<Microsoft.Playwright.IRequest>();
        page.Request += (_, r) => { if (r.Method is "PATCH" or "POST" && r.Url.Contains("/v1/admin/pools/act-b-acme", StringComparison.Ordinal)) { writes.Add(r); } };
        await Scenario.OpenPoolAsync(page, host, "act-b", "act-b-acme");
        var panel = Scenario.Panel(page);
        var etagBefore = (await host.CallAsync(HttpMethod.Get, "/v1/admin/pools/act-b-acme")).ETag;

        // Top up: before/after first, nothing sent until confirmed.
        await panel.Locator("[name=budgetDelta]").FillAsync("5000");
        await panel.Locator("[data-action=top-up]").ClickAsync();
        var dialog = page.Locator("dialog#confirm");
        await Expect(dialog.Locator("tr", new() { HasText = "budget" })).ToContainTextAsync("¥1,000.00");
        await Expect(dialog.Locator("tr", new() { HasText = "budget" })).ToContainTextAsync("¥1,050.00");
        Assert.Empty(writes);
        await Scenario.ConfirmAsync(page);
        await Expect(page.Locator("tr[data-pool='act-b-acme'] [data-col=budget]")).ToHaveTextAsync("¥1,050.00");
        var afterTopUp = await host.OkAsync(HttpMethod.Get, "/v1/admin/pools/act-b-acme");
        Assert.Equal(105_000, afterTopUp.GetProperty("budget").GetInt64());

        // The write carried a fresh Idempotency-Key and the ETag the change was reviewed against.
        var topUp = Assert.Single(writes);
        var headers = await topUp.AllHeadersAsync();
        Assert.True(Guid.TryParse(headers["idempotency-key"], out _), $"Idempotency-Key {headers.GetValueOrDefault("idempotency-key")}");
        Assert.Equal(etagBefore, headers["if-match"]);

        // Pause.
        await panel.Locator("[data-action=pause-toggle]").ClickAsync();
        await Expect(dialog.Locator("tr", new() { HasText = "paused" })).ToContainTextAsync("true");
        await Scenario.ConfirmAsync(page);
        await Expect(page.Locator("tr[data-pool='act-b-acme'] [data-col=state]")).ToHaveTextAsync("paused");
        Assert.True((await host.OkAsync(HttpMethod.Get, "/v1/admin/pools/act-b-acme")).GetProperty("paused").GetBoolean());
        await Expect(panel.Locator("[data-action=pause-toggle]")).ToHaveTextAsync("Resume");

        // Clawback of the donor's match: the money goes back to the pool.
        await panel.Locator("form[data-form=clawback] [name=donorId]").FillAsync("bot-1");
        await panel.Locator("form[data-form=clawback] [name=partnerId]").FillAsync("partner-act-b");
        await panel.Locator("form[data-form=clawback] [name=reason]").FillAsync("scripted account");
        await panel.Locator("[data-action=clawback]").ClickAsync();
        await Scenario.ConfirmAsync(page);
        await Expect(page.Locator("tr[data-pool='act-b-acme'] [data-col=matched]")).ToHaveTextAsync("¥0.00");
        var afterClawback = await host.OkAsync(HttpMethod.Get, "/v1/admin/pools/act-b-acme");
        Assert.Equal(0, afterClawback.GetProperty("matched").GetInt64());
        Assert.Equal(105_000, afterClawback.GetProperty("remaining").GetInt64());
        Assert.Equal(3, writes.Count);
        Assert.Equal(3, (await Task.WhenAll(writes.Select(w => w.HeaderValueAsync("idempotency-key")))).Distinct().Count());

        // The audit page, for this campaign, shows each action.
        await page.GotoAsync($"{host.ConsoleUrl}#/audit?campaignId=act-b");
        var rows = page.Locator("table.audit tbody tr");
        await Expect(rows.First).ToBeVisibleAsync();
        foreach (var action in new[] { "campaign.create", "project.create", "pool.create", "pool.clawback" })
        {
            await Expect(page.Locator($"tr[data-audit-action='{action}']")).ToHaveCountAsync(1);
        }
        await Expect(page.Locator("tr[data-audit-action='pool.patch']")).ToHaveCountAsync(2);

        // Page by page: two entries a page, and "next" walks on until the last.
        await page.Locator("form[data-form=audit] [name=limit]").FillAsync("2");
        await page.Locator("form[data-form=audit] button[type=submit]").ClickAsync();
        await Expect(rows).ToHaveCountAsync(2);
        var firstPage = await rows.First.GetAttributeAsync("data-seq");
        await page.Locator("[data-action=next-page]").ClickAsync();
        await Expect(rows.First).Not.ToHaveAttributeAsync("data-seq", firstPage!);
        await Expect(rows).ToHaveCountAsync(2);
        host.AssertNoScriptErrors(page);
    }

    [Fact]
    public async Task A_bad_value_shows_the_API_error_at_its_field_and_changes_nothing()
    {
        await Scenario.CampaignWithPoolAsync(host, "bad-c", "bad-c-water", "bad-c-acme");
        var before = await host.CallAsync(HttpMethod.Get, "/v1/admin/pools/bad-c-acme");
        var auditBefore = await host.OkAsync(HttpMethod.Get, "/v1/admin/audit/head");
        var page = await Scenario.SignInAsync(host);
        await Scenario.OpenPoolAsync(page, host, "bad-c", "bad-c-acme");
        var panel = Scenario.Panel(page);

        // A ratio of 0 bps: the API refuses it (400, field ratioBps) and the page says so at that field.
        var settings = panel.Locator("form[data-form=settings]");
        await settings.Locator("[name=ratioBps]").FillAsync("0");
        await settings.Locator("[data-action=settings]").ClickAsync();
        await Expect(page.Locator("dialog#confirm tr", new() { HasText = "ratioBps" })).ToContainTextAsync("10000");
        await Scenario.ConfirmAsync(page);
        var ratioError = settings.Locator("[data-error-for=ratioBps]");
        await Expect(ratioError).ToBeVisibleAsync();
        await Expect(ratioError).ToContainTextAsync("ratioBps");
        await Expect(settings.Locator("[name=ratioBps]")).ToHaveAttributeAsync("aria-invalid", "true");

        // Not a number at all: the page sends it as typed, and the API names the field.
        await panel.Locator("[name=budgetDelta]").FillAsync("lots");
        await panel.Locator("[data-action=top-up]").ClickAsync();
        await Scenario.ConfirmAsync(page);
        await Expect(panel.Locator("[data-error-for=budgetDelta]")).ToContainTextAsync("budgetDelta");

        var after = await host.CallAsync(HttpMethod.Get, "/v1/admin/pools/bad-c-acme");
        Assert.Equal(before.ETag, after.ETag);
        Assert.Equal(before.Body.GetProperty("budget").GetInt64(), after.Body.GetProperty("budget").GetInt64());
        Assert.Equal(10_000, after.Body.GetProperty("ratioBps").GetInt32());
        Assert.Equal(auditBefore.GetProperty("seq").GetInt64(), (await host.OkAsync(HttpMethod.Get, "/v1/admin/audit/head")).GetProperty("seq").GetInt64());
        host.AssertNoScriptErrors(page);
    }

    [Fact]
    public async Task Cancelling_a_confirmation_sends_nothing()
    {
        await Scenario.CampaignWithPoolAsync(host, "cancel-c", "cancel-c-water", "cancel-c-acme");
        var page = await Scenario.SignInAsync(host);
        await Scenario.OpenPoolAsync(page, host, "cancel-c", "cancel-c-acme");
        await Scenario.Panel(page).Locator("[data-action=pause-toggle]").ClickAsync();
        await page.Locator("dialog#confirm [data-confirm=cancel]").ClickAsync();
        await Expect(page.Locator("dialog#confirm")).ToBeHiddenAsync();
        Assert.False((await host.OkAsync(HttpMethod.Get, "/v1/admin/pools/cancel-c-acme")).GetProperty("paused").GetBoolean());
    }

    [Fact]
    public async Task A_viewer_key_sees_the_campaign_but_cannot_act()
    {
        var partnerKey = await Scenario.CampaignWithPoolAsync(host, "view-d", "view-d-water", "view-d-acme");
        await Scenario.DonateAsync(host, partnerKey, "view-d-d1", "view-d-water", "donor-1", 2_000);
        var viewerKey = (await host.OkAsync(HttpMethod.Post, "/v1/admin/keys", new { role = "viewer" })).GetProperty("secret").GetString()!;

        var page = await Scenario.SignInAsync(host, viewerKey);
        await Expect(page.Locator("[data-role]")).ToHaveTextAsync("viewer");
        await Scenario.OpenPoolAsync(page, host, "view-d", "view-d-acme");
        await Expect(page.Locator("[data-total=raised]")).ToHaveTextAsync("¥20.00");
        await Expect(page.Locator("tr[data-pool='view-d-acme'] [data-col=remaining]")).ToHaveTextAsync("¥980.00");
        foreach (var action in new[] { "top-up", "cut", "pause-toggle", "settings", "clawback", "edit-pool", "save-pool", "save-project", "save-campaign" })
        {
            await Expect(page.Locator($"[data-action='{action}']")).ToBeDisabledAsync();
        }
        // And the API itself refuses the viewer, whatever a page shows.
        var refused = await host.CallAsync(HttpMethod.Patch, "/v1/admin/pools/view-d-acme", new { paused = true }, viewerKey);
        Assert.Equal(403, refused.Status);
        host.AssertNoScriptErrors(page);
    }

    [Fact]
    public async Task Pool_actions_work_from_the_keyboard_alone()
    {
        await Scenario.CampaignWithPoolAsync(host, "keys-e", "keys-e-water", "keys-e-acme");
        var page = await host.NewPageAsync();
        await page.GotoAsync(host.ConsoleUrl);
        // Sign in: the key field has focus; Enter submits.
        await page.Keyboard.TypeAsync(ConsoleHost.ManagerKey);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("[data-role]")).ToBeVisibleAsync();
        await page.GotoAsync($"{host.ConsoleUrl}#/campaigns/keys-e");
        await Expect(page.Locator("tr[data-pool='keys-e-acme']")).ToBeVisibleAsync();

        // Tab to the pool's Manage button, in document order.
        await TabUntilAsync(page, "[data-action=manage]");
        Assert.NotEqual("none", await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#pool-panel")).ToBeFocusedAsync();

        await TabUntilAsync(page, "[name=budgetDelta]");
        await page.Keyboard.TypeAsync("700");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator("[data-action=top-up]")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        // The confirmation takes focus on Cancel (the safe choice); Tab reaches Confirm.
        await Expect(page.Locator("dialog#confirm [data-confirm=cancel]")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator("dialog#confirm [data-confirm=ok]")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("dialog#confirm")).ToBeHiddenAsync();
        await Expect(page.Locator("tr[data-pool='keys-e-acme'] [data-col=budget]")).ToHaveTextAsync("¥1,007.00");
        Assert.Equal(100_700, (await host.OkAsync(HttpMethod.Get, "/v1/admin/pools/keys-e-acme")).GetProperty("budget").GetInt64());

        // Escape backs out of a confirmation without sending anything.
        await TabUntilAsync(page, "[data-action=pause-toggle]");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("dialog#confirm")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator("dialog#confirm")).ToBeHiddenAsync();
        Assert.False((await host.OkAsync(HttpMethod.Get, "/v1/admin/pools/keys-e-acme")).GetProperty("paused").GetBoolean());

        // Pause for real (the dialog opens once the pool is re-read: wait for it as a person would).
        await TabUntilAsync(page, "[data-action=pause-toggle]");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("dialog#confirm [data-confirm=cancel]")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator("dialog#confirm [data-confirm=ok]")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("tr[data-pool='keys-e-acme'] [data-col=state]")).ToHaveTextAsync("paused");
        Assert.True((await host.OkAsync(HttpMethod.Get, "/v1/admin/pools/keys-e-acme")).GetProperty("paused").GetBoolean());
        host.AssertNoScriptErrors(page);
    }

    /// <summary>Presses Tab until the focused element matches; fails if it is not reached within a page's worth of stops.</summary>
    private static async Task TabUntilAsync(IPage page, string selector)
    {
        for (var i = 0; i < 80; i++)
        {
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector))
            {
                return;
            }
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"Tab never reached {selector}");
    }
}
