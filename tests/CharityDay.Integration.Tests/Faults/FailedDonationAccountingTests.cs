using CharityDay.Integration.Tests.Infrastructure;
using CharityDay.Integration.Tests.Public;
using Xunit.Abstractions;

namespace CharityDay.Integration.Tests.Faults;

/// <summary>
/// Issue 16 (an SRE's finding): a donation answered 503 because the write path failed under it (a
/// silo lost, the database away) is counted in charityday_donations_total as rejected/Failed — the
/// dashboard's failure rate sees a failover — and logged as the expected, retryable event it is: one
/// Warning line, no stack trace, no "Unhandled error".
/// </summary>
public sealed class FailedDonationAccountingTests(PostgresFaultDeployment deployment, ITestOutputHelper output) : IClassFixture<PostgresFaultDeployment>
{
    [Fact]
    public async Task Donations_answered_503_while_the_database_is_down_are_counted_as_Failed_and_logged_as_retryable_warnings()
    {
        var api = deployment.Api();
        var campaign = await api.CreateCampaignAsync();
        var project = await api.CreateProjectAsync(campaign);
        var (partnerId, key) = await api.CreatePartnerAsync();
        ApiClient.Ensure(await api.DonateAsync(key, ApiClient.NewId("warm"), project, "donor-warm", 100), 201);

        var answered503 = 0;
        await deployment.Database.StopImmediateAsync();
        try
        {
            foreach (var host in deployment.Hosts)
            {
                using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
                var single = await api.DonateAsync(key, ApiClient.NewId("down"), project, "donor-down", 100, http);
                output.WriteLine($"{host.Name} single: {single}");
                answered503 += single.Code == 503 ? 1 : 0;
                var batch = await api.PostBatchAsync(key, new
                {
                    donations = Enumerable.Range(0, 3).Select(i => new
                    {
                        donationId = ApiClient.NewId($"down-b{i}"), projectId = project, donorId = $"donor-b{i}", amount = 100L,
                    }).ToArray(),
                }, http);
                output.WriteLine($"{host.Name} batch: {batch}");
                answered503 += batch.Code == 503 ? 3 : batch.Code == 200 ? batch["results"].AsArray().Count(r => (int)r!["status"]! == 503) : 0;
            }
        }
        finally
        {
            await deployment.Database.StartAsync();
        }
        Assert.True(answered503 > 0, "no donation was answered 503 with the database down");

        var failed = (await SiloMetrics.ScrapeAllAsync(deployment))
            .Sum(s => s.Find("charityday_donations_total", ("partner", partnerId), ("reason", "Failed")).Sum(x => x.Value));
        Assert.Equal(answered503, (int)failed);

        var lines = deployment.Hosts.SelectMany(h => h.Output.Split('\n')).Where(l => l.Contains("/v1/donations", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(lines, l => l.Contains("Unhandled error", StringComparison.Ordinal));
        var retryable = lines.Where(l => l.Contains("Answered 503 (retryable)", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(retryable);
        Assert.All(retryable, l =>
        {
            Assert.Contains("\"LogLevel\":\"Warning\"", l, StringComparison.Ordinal);
            Assert.DoesNotContain("\"Exception\"", l, StringComparison.Ordinal);
        });
    }
}
