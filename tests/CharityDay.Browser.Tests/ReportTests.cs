using System.Text.Json;
using CharityDay.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CharityDay.Browser.Tests;

/// <summary>
/// SPEC §8 with §6 "Use of funds": a project's reports page (raised, matched and spent side by side, the
/// reports a page at a time) and a manager's filing, confirmed as spent before → after and judged by the API.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ReportTests(ConsoleHost host)
{
    /// <summary>A project that raised ¥10.00 and was matched ¥10.00 (1:1): it may report up to ¥20.00 spent.</summary>
    private async Task FundedProjectAsync(string campaignId, string projectId)
    {
        var partnerKey = await Scenario.CampaignWithPoolAsync(host, campaignId, projectId, campaignId + "-acme");
        await Scenario.DonateAsync(host, partnerKey, campaignId + "-d1", projectId, "donor-1", 1_000);
    }

    private static async Task<IPage> OpenReportsAsync(IPage page, ConsoleHost host, string projectId)
    {
        await page.GotoAsync($"{host.ConsoleUrl}#/projects/{projectId}/reports");
        // The public totals are a snapshot up to a second old: wait until they show the donation.
        await Expect(page.Locator("[data-total=raised]")).ToHaveTextAsync("¥10.00");
        await Expect(page.Locator("[data-total=matched]")).ToHaveTextAsync("¥10.00");
        return page;
    }

    /// <summary>The public project read once it shows <paramref name="until"/>: it is a snapshot up to a second old (SPEC §4).</summary>
    private async Task<JsonElement> PublicProjectAsync(string projectId, Func<JsonElement, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var answer = await host.CallAsync(HttpMethod.Get, $"/v1/projects/{projectId}", key: null);
            if (answer.Status == 200 && until(answer.Body))
            {
                return answer.Body;
            }
            Assert.True(DateTime.UtcNow < deadline, $"GET /v1/projects/{projectId} never showed the change: {answer.Status} {answer.Text}");
            await Task.Delay(100);
        }
    }

    private async Task<JsonElement> ReportsOfAsync(string projectId) =>
        (await host.OkAsync(HttpMethod.Get, $"/v1/projects/{projectId}/reports", key: null)).GetProperty("items");

    [Fact]
    public async Task A_manager_files_a_report_in_the_page_after_confirming_and_sees_it_listed_and_the_spent_move()
    {
        await FundedProjectAsync("rep-a", "rep-a-water");
        var page = await Scenario.SignInAsync(host);
        var posts = new List<Microsoft.Playwright.IRequest>();
        page.Request += (_, r) => { if (r.Method == "POST" && r.Url.Contains("/reports", StringComparison.Ordinal)) { posts.Add(r); } };

        // From the campaign's project list to the project's reports page.
        await page.GotoAsync($"{host.ConsoleUrl}#/campaigns/rep-a");
        await page.Locator("tr[data-project='rep-a-water'] [data-action=reports]").ClickAsync();
        await Expect(page.Locator("h1")).ToContainTextAsync("rep-a-water");
        await OpenReportsAsync(page, host, "rep-a-water");
        await Expect(page.Locator("[data-total=spent]")).ToHaveTextAsync("¥0.00");
        await Expect(page.Locator("table.reports")).ToBeVisibleAsync();

        var form = page.Locator("form[data-form=report]");
        var reportId = await form.Locator("[name=reportId]").InputValueAsync();
        Assert.StartsWith("report-", reportId, StringComparison.Ordinal);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", await form.Locator("[name=at]").InputValueAsync());
        await form.Locator("[name=title]").FillAsync("Water filters for Lanping");
        // 16.08 yuan: 16.08 * 100 is 1607.9999999999998 in floating point; the page must send exactly 1608 fen.
        await form.Locator("[name=spent]").FillAsync("16.08");
        await form.Locator("[name=evidenceUrl]").FillAsync("https://example.org/receipts/1");

        // Items from the keyboard: Enter on "add" puts the focus in the new row.
        await form.Locator("[data-action=add-item]").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(form.Locator("[name='items[0].description']")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("Water filter");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("3");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("pcs");
        // A second row, removed again: the remaining rows keep their values.
        await form.Locator("[data-action=add-item]").ClickAsync();
        await form.Locator("[name='items[1].description']").FillAsync("mistake");
        await form.Locator("[data-action=remove-item]").Nth(1).ClickAsync();
        await Expect(form.Locator("[data-item-row]")).ToHaveCountAsync(1);
        await Expect(form.Locator("[name='items[0].unit']")).ToHaveValueAsync("pcs");

        // Before/after first; nothing is sent until confirmed.
        await form.Locator("[data-action=review-report]").ClickAsync();
        var dialog = page.Locator("dialog#confirm");
        var spentRow = dialog.Locator("tr", new() { HasText = "project spent" });
        await Expect(spentRow).ToContainTextAsync("¥0.00");
        await Expect(spentRow).ToContainTextAsync("¥16.08");
        await Expect(dialog.Locator("tr", new() { HasText = "this report" })).ToContainTextAsync("¥16.08");
        await Expect(dialog.Locator("tr", new() { HasText = "items" })).ToContainTextAsync("Water filter × 3 pcs");
        Assert.Empty(posts);
        await Scenario.ConfirmAsync(page);

        var row = page.Locator($"tr[data-report='{reportId}']");
        await Expect(row).ToContainTextAsync("Water filters for Lanping");
        await Expect(row.Locator("[data-col=spent]")).ToHaveTextAsync("¥16.08");
        await Expect(row).ToContainTextAsync("Water filter × 3 pcs");
        var link = row.Locator("a.evidence");
        await Expect(link).ToHaveAttributeAsync("href", "https://example.org/receipts/1");
        await Expect(link).ToHaveAttributeAsync("rel", "noopener noreferrer");
        await Expect(page.Locator("[data-total=spent]")).ToHaveTextAsync("¥16.08");
        await Expect(page.Locator("[data-total=available]")).ToHaveTextAsync("¥3.92");
        await Expect(page.Locator("[data-total=reportCount]")).ToHaveTextAsync("1");
        // The form is ready for the next report, with a new id.
        Assert.NotEqual(reportId, await form.Locator("[name=reportId]").InputValueAsync());

        // The API agrees: one POST with an Idempotency-Key, the report in fen, and the project's spent.
        var post = Assert.Single(posts);
        Assert.True(Guid.TryParse(await post.HeaderValueAsync("idempotency-key"), out _));
        var report = Assert.Single((await ReportsOfAsync("rep-a-water")).EnumerateArray());
        Assert.Equal(reportId, report.GetProperty("reportId").GetString());
        Assert.Equal(1_608, report.GetProperty("spent").GetInt64());
        var item = Assert.Single(report.GetProperty("items").EnumerateArray());
        Assert.Equal(3, item.GetProperty("quantity").GetInt64());
        Assert.Equal("pcs", item.GetProperty("unit").GetString());
        var project = await PublicProjectAsync("rep-a-water", p => p.GetProperty("reportCount").GetInt64() == 1);
        Assert.Equal(1_608, project.GetProperty("spent").GetInt64());
        host.AssertNoScriptErrors(page);
    }

    [Fact]
    public async Task An_evidence_link_that_is_not_https_is_shown_at_its_field_and_records_nothing()
    {
        await FundedProjectAsync("rep-b", "rep-b-water");
        var page = await OpenReportsAsync(await Scenario.SignInAsync(host), host, "rep-b-water");
        var form = page.Locator("form[data-form=report]");
        await form.Locator("[name=title]").FillAsync("Filters");
        await form.Locator("[name=spent]").FillAsync("5");
        await form.Locator("[name=evidenceUrl]").FillAsync("http://example.org/receipt");
        // A quantity of 0 in the same request: every refused field is shown at once, each at its own input.
        await form.Locator("[data-action=add-item]").ClickAsync();
        await form.Locator("[name='items[0].description']").FillAsync("filter");
        await form.Locator("[name='items[0].quantity']").FillAsync("0");
        await form.Locator("[name='items[0].unit']").FillAsync("pcs");
        await form.Locator("[data-action=review-report]").ClickAsync();
        await Scenario.ConfirmAsync(page);

        var error = form.Locator("[data-error-for=evidenceUrl]");
        await Expect(error).ToBeVisibleAsync();
        await Expect(error).ToContainTextAsync("https");
        await Expect(form.Locator("[name=evidenceUrl]")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(form.Locator(".form-error")).ToContainTextAsync("400");
        await Expect(form.Locator("[data-error-for='items[0].quantity']")).ToBeVisibleAsync();
        await Expect(form.Locator("[name='items[0].quantity']")).ToHaveAttributeAsync("aria-invalid", "true");
        // The ledger's list is read straight from the ledger: nothing was filed.
        Assert.Equal(0, (await ReportsOfAsync("rep-b-water")).GetArrayLength());
        Assert.Equal(0, (await host.OkAsync(HttpMethod.Get, "/v1/projects/rep-b-water", key: null)).GetProperty("reportCount").GetInt64());
        await Expect(page.Locator("[data-total=spent]")).ToHaveTextAsync("¥0.00");
        host.AssertNoScriptErrors(page);
    }

    [Fact]
    public async Task A_report_spending_more_than_raised_and_matched_is_refused_and_shown_at_spent()
    {
        await FundedProjectAsync("rep-c", "rep-c-water");
        var page = await OpenReportsAsync(await Scenario.SignInAsync(host), host, "rep-c-water");
        var form = page.Locator("form[data-form=report]");
        await form.Locator("[name=title]").FillAsync("More than it raised");
        await form.Locator("[name=spent]").FillAsync("20.01");
        await form.Locator("[data-action=review-report]").ClickAsync();
        await Expect(page.Locator("dialog#confirm tr", new() { HasText = "project spent" })).ToContainTextAsync("¥20.01");
        await Scenario.ConfirmAsync(page);

        await Expect(form.Locator("[data-error-for=spent]")).ToBeVisibleAsync();
        await Expect(form.Locator("[name=spent]")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(form.Locator(".form-error")).ToContainTextAsync("422");
        Assert.Equal(0, (await ReportsOfAsync("rep-c-water")).GetArrayLength());

        // Exactly raised + matched fits.
        await form.Locator("[name=spent]").FillAsync("20");
        await form.Locator("[data-action=review-report]").ClickAsync();
        await Scenario.ConfirmAsync(page);
        await Expect(page.Locator("[data-total=spent]")).ToHaveTextAsync("¥20.00");
        Assert.Equal(2_000, Assert.Single((await ReportsOfAsync("rep-c-water")).EnumerateArray()).GetProperty("spent").GetInt64());
        host.AssertNoScriptErrors(page);
    }

    [Fact]
    public async Task A_viewer_sees_the_reports_but_no_form_to_file_one()
    {
        await FundedProjectAsync("rep-d", "rep-d-water");
        await host.OkAsync(HttpMethod.Post, "/v1/admin/projects/rep-d-water/reports",
            new { reportId = "rep-d-1", at = "2026-09-10T10:00:00+08:00", title = "School kits", spent = 800, items = new[] { new { description = "kit", quantity = 4, unit = "boxes" } } });
        var viewerKey = (await host.OkAsync(HttpMethod.Post, "/v1/admin/keys", new { role = "viewer" })).GetProperty("secret").GetString()!;
        var page = await OpenReportsAsync(await Scenario.SignInAsync(host, viewerKey), host, "rep-d-water");

        await Expect(page.Locator("tr[data-report='rep-d-1']")).ToContainTextAsync("kit × 4 boxes");
        await Expect(page.Locator("tr[data-report='rep-d-1'] [data-col=spent]")).ToHaveTextAsync("¥8.00");
        await Expect(page.Locator("[data-total=spent]")).ToHaveTextAsync("¥8.00");
        await Expect(page.Locator("[data-read-only]")).ToBeVisibleAsync();
        await Expect(page.Locator("form[data-form=report]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-action=review-report]")).ToHaveCountAsync(0);
        host.AssertNoScriptErrors(page);
    }

    [Fact]
    public async Task The_reports_page_is_in_Chinese_too()
    {
        await FundedProjectAsync("rep-e", "rep-e-water");
        var page = await Scenario.SignInAsync(host, locale: "zh-CN");
        await OpenReportsAsync(page, host, "rep-e-water");
        await Expect(page.Locator("h2#report-form-title")).ToHaveTextAsync("提交反馈");
        await Expect(page.Locator("label", new() { HasText = "支出（元）" })).ToBeVisibleAsync();
        host.AssertNoScriptErrors(page);
    }

    [Fact]
    public async Task A_pool_created_in_the_page_with_section_7_fields_reads_back_through_the_API()
    {
        await Scenario.CampaignWithPoolAsync(host, "rep-f", "rep-f-water", "rep-f-acme");
        var page = await Scenario.SignInAsync(host);
        await page.GotoAsync($"{host.ConsoleUrl}#/campaigns/rep-f");
        var form = page.Locator("form[data-form=pool]");
        await form.Locator("[name=poolId]").FillAsync("rep-f-monthly");
        await form.Locator("[name=sponsor]").FillAsync("Monthly Friends");
        await form.Locator("[name=budget]").FillAsync("50000");
        await form.Locator("[name='randomRatioBps.min']").FillAsync("5000");
        await form.Locator("[name='randomRatioBps.max']").FillAsync("15000");
        await form.Locator("[name=perDonorMinuteCount]").FillAsync("5");
        await form.Locator("[name=pledgesOnly]").CheckAsync();
        await form.Locator("[name=firstChargeOnly]").CheckAsync();
        await form.Locator("[name=merchantGifts]").CheckAsync();
        await form.Locator("[data-action=save-pool]").ClickAsync();
        await Expect(page.Locator("dialog#confirm tr", new() { HasText = "pledgesOnly" })).ToContainTextAsync("true");
        await Expect(page.Locator("dialog#confirm tr", new() { HasText = "merchantGifts" })).ToContainTextAsync("true");
        await Scenario.ConfirmAsync(page);
        await Expect(page.Locator("tr[data-pool='rep-f-monthly']")).ToBeVisibleAsync();

        var pool = await host.OkAsync(HttpMethod.Get, "/v1/admin/pools/rep-f-monthly");
        Assert.True(pool.GetProperty("pledgesOnly").GetBoolean());
        Assert.True(pool.GetProperty("firstChargeOnly").GetBoolean());
        Assert.True(pool.GetProperty("merchantGifts").GetBoolean());
        Assert.Equal(5_000, pool.GetProperty("randomRatioBps").GetProperty("min").GetInt32());
        Assert.Equal(15_000, pool.GetProperty("randomRatioBps").GetProperty("max").GetInt32());
        Assert.Equal(JsonValueKind.Null, pool.GetProperty("ratioBps").ValueKind);
        Assert.Equal(5, pool.GetProperty("perDonorMinuteCount").GetInt32());

        // Edit shows them back, and a save that changes one setting keeps the rest.
        await page.Locator("tr[data-pool='rep-f-monthly'] [data-action=manage]").ClickAsync();
        await Scenario.Panel(page).Locator("[data-action=edit-pool]").ClickAsync();
        await Expect(form.Locator("[name=pledgesOnly]")).ToBeCheckedAsync();
        await Expect(form.Locator("[name=merchantGifts]")).ToBeCheckedAsync();
        await Expect(form.Locator("[name='randomRatioBps.max']")).ToHaveValueAsync("15000");
        await form.Locator("[name=firstChargeOnly]").UncheckAsync();
        await form.Locator("[data-action=save-pool]").ClickAsync();
        await Scenario.ConfirmAsync(page);
        await Expect(page.Locator("#status")).ToContainTextAsync("Saved");
        pool = await host.OkAsync(HttpMethod.Get, "/v1/admin/pools/rep-f-monthly");
        Assert.True(pool.GetProperty("pledgesOnly").GetBoolean());
        Assert.False(pool.GetProperty("firstChargeOnly").GetBoolean());
        Assert.True(pool.GetProperty("merchantGifts").GetBoolean());
        Assert.Equal(15_000, pool.GetProperty("randomRatioBps").GetProperty("max").GetInt32());

        // A conversion pool from the same form; a bad range is shown at the field the API names.
        await form.Locator("[name=poolId]").FillAsync("rep-f-points");
        foreach (var name in new[] { "randomRatioBps.min", "randomRatioBps.max", "ratioBps" })
        {
            await form.Locator($"[name='{name}']").FillAsync("");
        }
        await form.Locator("[name=pledgesOnly]").UncheckAsync();
        await form.Locator("[name=pointsProgram]").FillAsync("love-points");
        await form.Locator("[name=fenPer1000Points]").FillAsync("100");
        await form.Locator("[data-action=save-pool]").ClickAsync();
        await Scenario.ConfirmAsync(page);
        await Expect(page.Locator("tr[data-pool='rep-f-points']")).ToBeVisibleAsync();
        var points = await host.OkAsync(HttpMethod.Get, "/v1/admin/pools/rep-f-points");
        Assert.Equal("love-points", points.GetProperty("pointsProgram").GetString());
        Assert.Equal(100, points.GetProperty("fenPer1000Points").GetInt64());

        await form.Locator("[name=poolId]").FillAsync("rep-f-bad");
        await form.Locator("[name=pointsProgram]").FillAsync("");
        await form.Locator("[name=fenPer1000Points]").FillAsync("");
        await form.Locator("[name='randomRatioBps.min']").FillAsync("9000");
        await form.Locator("[name='randomRatioBps.max']").FillAsync("8000");
        await form.Locator("[data-action=save-pool]").ClickAsync();
        await Scenario.ConfirmAsync(page);
        await Expect(form.Locator("[data-error-for='randomRatioBps.max']")).ToBeVisibleAsync();
        Assert.Equal(404, (await host.CallAsync(HttpMethod.Get, "/v1/admin/pools/rep-f-bad")).Status);
        host.AssertNoScriptErrors(page);
    }
}
