using System.Diagnostics;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>
/// Issue 18 over HTTP, on the embedded host with a small donor working set
/// (<c>CharityDay__DonorsKept</c>): a donor pushed out of it is read back from the ledger, never
/// assumed to have been matched nothing — in the same process and after a kill -9 — and the durable
/// sums the restart restored equal a recomputation from the ledger's rows (<c>verify-sums</c>).
/// </summary>
[Collection(EmbeddedCollection.Name)]
public sealed class DayScaleTests : IAsyncLifetime
{
    private const int DonorsKept = 1_000;

    private readonly RestartableEmbedded _deployment = new(new Dictionary<string, string>
    {
        ["CharityDay__DonorsKept"] = DonorsKept.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public Task InitializeAsync() => _deployment.StartAsync();

    public Task DisposeAsync() => _deployment.DisposeAsync();

    [Fact]
    public async Task A_donor_at_the_daily_cap_pushed_out_of_the_working_set_gets_nothing_more_before_and_after_a_kill()
    {
        var api = _deployment.Api();
        var campaign = await api.CreateCampaignAsync(timeZone: "Asia/Shanghai");
        var project = await api.CreateProjectAsync(campaign);
        await api.CreatePoolAsync(campaign, new() { ["budget"] = 100_000_000L, ["ratioBps"] = 10_000, ["perDonorDailyCap"] = 1_000L });
        var (_, partnerKey) = await api.CreatePartnerAsync();

        var first = await api.DonateAsync(partnerKey, "x-1", project, "x", 1_500);
        Assert.Equal(1_000, first.Long("matchedTotal"));
        // Three working sets' worth of other donors, 100 fen each, matched 100 each.
        for (var batch = 0; batch < 3; batch++)
        {
            var donations = Enumerable.Range(0, DonorsKept).Select(i => new
            {
                donationId = $"o-{batch}-{i}", projectId = project, donorId = $"other-{batch}-{i}", amount = 100L,
            }).ToArray();
            ApiClient.Ensure(await api.PostBatchAsync(partnerKey, new { donations }), 200);
        }

        var again = await api.DonateAsync(partnerKey, "x-2", project, "x", 800);
        Assert.True(again.Code == 201, again.ToString());
        Assert.Equal(0, again.Long("matchedTotal"));

        await _deployment.Host.KillAsync();
        await _deployment.RestartAsync();

        var afterKill = await api.DonateAsync(partnerKey, "x-3", project, "x", 500);
        Assert.True(afterKill.Code == 201, afterKill.ToString());
        Assert.Equal(0, afterKill.Long("matchedTotal"));
        var newcomer = await api.DonateAsync(partnerKey, "n-1", project, "newcomer", 700);
        Assert.Equal(700, newcomer.Long("matchedTotal"));

        // What an SRE sees of it: the activation and its restore, the donor working set and its misses.
        var scrape = await Telemetry.PrometheusScrape.FromAsync(_deployment.Client());
        var tag = ("campaign", campaign);
        // This process activated the campaign once (from the ledger, on the first donation after the kill).
        Assert.Equal(1, scrape.Single("charityday_campaign_activation_duration_milliseconds_count", tag));
        Assert.Equal(1, scrape.Single("charityday_campaign_rebuild_duration_milliseconds_count", tag, ("reason", "activation")));
        Assert.Equal(2, scrape.Single("charityday_campaign_donors_loaded_total", tag));
        Assert.Equal(2, scrape.Single("charityday_campaign_donors_held", tag));

        var totals = await api.GetCampaignAsync(campaign);
        Assert.Equal((1_500L + 800 + 500 + 700 + (3 * DonorsKept * 100), 1_000L + 700 + (3 * DonorsKept * 100), 4L + (3 * DonorsKept)),
            (totals.Long("raised"), totals.Long("matched"), totals.Long("donationCount")));

        await _deployment.Host.StopAsync();
        var (exitCode, output) = await HostVerbs.RunAsync("verify-sums", _deployment.DataDir);
        Assert.True(exitCode == 0, output);
        Assert.Contains($"ok   {campaign}", output, StringComparison.Ordinal);
    }
}
