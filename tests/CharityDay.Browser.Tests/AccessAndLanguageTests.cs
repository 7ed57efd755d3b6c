using CharityDay.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace CharityDay.Browser.Tests;

/// <summary>SPEC §8: partners and keys from the page (a new secret shown once), in English and Chinese.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class AccessAndLanguageTests(ConsoleHost host)
{
    [Fact]
    public async Task Partners_and_keys_are_managed_in_the_page_and_a_new_secret_is_shown_once()
    {
        var page = await Scenario.SignInAsync(host);
        await page.GotoAsync($"{host.ConsoleUrl}#/partners");
        var partner = page.Locator("form[data-form=partner]");
        await partner.Locator("[name=partnerId]").FillAsync("keys-f-platform");
        await partner.Locator("[name=name]").FillAsync("Platform F");
        await partner.Locator("[name=rateLimit]").FillAsync("500");
        await partner.Locator("[data-action=save-partner]").ClickAsync();
        await Scenario.ConfirmAsync(page);
        await Expect(page.Locator("tr[data-partner='keys-f-platform']")).ToContainTextAsync("Platform F");
        Assert.Equal(500, (await host.OkAsync(HttpMethod.Get, "/v1/admin/partners/keys-f-platform")).GetProperty("rateLimit").GetInt32());

        await page.GotoAsync($"{host.ConsoleUrl}#/keys");
        var key = page.Locator("form[data-form=key]");
        await key.Locator("[name=role]").SelectOptionAsync("partner");
        await key.Locator("[name=partnerId]").FillAsync("keys-f-platform");
        await key.Locator("[data-action=create-key]").ClickAsync();
        await Scenario.ConfirmAsync(page);
        var secret = await page.Locator("[data-secret-value]").InnerTextAsync();
        Assert.True(secret.Length >= 32, $"secret '{secret}'");
        // The secret works as a partner key…
        Assert.Equal(404, (await host.CallAsync(HttpMethod.Get, "/v1/donations/nothing-here", key: secret)).Status);

        // …and is shown nowhere once the page is left.
        await page.GotoAsync($"{host.ConsoleUrl}#/campaigns");
        await page.GotoAsync($"{host.ConsoleUrl}#/keys");
        await Expect(page.Locator("tbody tr").First).ToBeVisibleAsync();
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);

        // Revoke it from the list: the API refuses it from then on.
        var keys = await host.OkAsync(HttpMethod.Get, "/v1/admin/keys?limit=1000");
        var keyId = keys.GetProperty("items").EnumerateArray().Last(k => k.GetProperty("partnerId").GetString() == "keys-f-platform").GetProperty("keyId").GetString();
        await page.Locator($"tr[data-key='{keyId}'] [data-action=revoke]").ClickAsync();
        await Scenario.ConfirmAsync(page);
        await Expect(page.Locator($"tr[data-key='{keyId}']")).ToContainTextAsync("revoked");
        Assert.Equal(401, (await host.CallAsync(HttpMethod.Get, "/v1/donations/nothing-here", key: secret)).Status);
        host.AssertNoScriptErrors(page);
    }

    [Fact]
    public async Task The_language_switch_shows_the_console_in_Chinese_and_both_dictionaries_hold_the_same_strings()
    {
        var page = await Scenario.SignInAsync(host);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Campaigns");
        await page.Locator("#lang").SelectOptionAsync("zh");
        await Expect(page.Locator("h1")).ToHaveTextAsync("活动");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh");
        await Expect(page.Locator("[data-role]")).ToHaveTextAsync("管理员");

        // A browser asking for Chinese gets it without choosing.
        var zhPage = await host.NewPageAsync("zh-CN");
        await zhPage.GotoAsync(host.ConsoleUrl);
        await Expect(zhPage.Locator("h1")).ToHaveTextAsync("登录");

        var missing = await page.EvaluateAsync<string[]>(@"async () => {
            const { DICTIONARIES } = await import('/console/i18n.js');
            const en = Object.keys(DICTIONARIES.en), zh = Object.keys(DICTIONARIES.zh);
            return [...en.filter(k => !zh.includes(k)).map(k => 'zh lacks ' + k), ...zh.filter(k => !en.includes(k)).map(k => 'en lacks ' + k)];
        }");
        Assert.Empty(missing);
        host.AssertNoScriptErrors(page);
    }
}
