using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Donations;

/// <summary>
/// SPEC §3 invariants 1–3 at quiescence after a burst: many callers, several projects (one hot),
/// a small pool with per-donor and per-project caps. Every check is computed from the 2xx answers
/// the callers received, so an acknowledged donation that went missing, or a fen matched twice, shows.
/// </summary>
public abstract partial class ConcurrentDonationTests(Deployment deployment)
{
    private const int Callers = 32;
    private const int DonationCount = 3000;
    private const int Donors = 150;
    private const long Budget = 60_000;
    private const long PerDonorDailyCap = 500;
    private const long PerProjectCap = 25_000;

    private readonly ApiClient _api = deployment.Api();

    private sealed record Planned(string DonationId, string ProjectId, string DonorId, long Amount);

    [Fact]
    public async Task Pool_never_overspends_ends_empty_and_every_total_is_exact_under_concurrent_callers()
    {
        var scene = await Scene.CreateAsync(_api, projects: 4);
        var pool = await scene.PoolAsync(new()
        {
            ["budget"] = Budget, ["ratioBps"] = 10000, ["perDonorDailyCap"] = PerDonorDailyCap, ["perProjectCap"] = PerProjectCap,
        });
        // Demand far exceeds the budget once the caps are applied: 150 donors × 500 = 75,000 of donor
        // allowance, of which the hot project (capped at 25,000) can take at most 25,000; each donor
        // also gives ~10× their cap to the other three projects. So the budget must end at exactly 0.
        var random = new Random(20_250_909);
        var plan = Enumerable.Range(0, DonationCount).Select(i => new Planned(
            $"burst-{i}",
            scene.Projects[random.Next(2) == 0 ? 0 : 1 + random.Next(3)],
            $"donor-{random.Next(Donors)}",
            random.Next(1, 1001))).ToArray();
        var batchesBefore = await ScrapeCommitBatchesAsync(scene.CampaignId);

        var clients = deployment.Hosts.Select(_ => deployment.Client()).ToArray();
        var answers = new ApiResponse[plan.Length];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < plan.Length)
            {
                answers[i] = await PostWithRetriesAsync(scene.Key, plan[i], clients[i % clients.Length]);
            }
        }));
        // The exporter may serve a scrape from a short cache: read until this burst shows (bounded).
        var batchesAfter = await ScrapeCommitBatchesAsync(scene.CampaignId);
        for (var i = 0; i < 20 && batchesAfter.Sum - batchesBefore.Sum < answers.Count(a => a.Code == 201); i++)
        {
            await Task.Delay(250);
            batchesAfter = await ScrapeCommitBatchesAsync(scene.CampaignId);
        }

        var failed = answers.Where(a => a.Code is not (200 or 201)).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} donations were not accepted, e.g. {failed.FirstOrDefault()}");
        var matchOf = answers.Select(a => Matches.From(a.Json!, pool)).ToArray();
        for (var i = 0; i < plan.Length; i++)
        {
            Assert.Equal(answers[i].Long("matchedTotal"), matchOf[i]);
            Assert.Equal(plan[i].Amount, answers[i].Long("amount"));
            Assert.InRange(matchOf[i], 0, plan[i].Amount);
        }

        // Invariant 1: never over-spent, per donor and per project included.
        var poolMatched = matchOf.Sum();
        Assert.InRange(poolMatched, 0, Budget);
        var worstDonor = plan.Select((p, i) => (p.DonorId, Match: matchOf[i])).GroupBy(x => x.DonorId)
            .Select(g => (Donor: g.Key, Matched: g.Sum(x => x.Match))).MaxBy(x => x.Matched);
        Assert.True(worstDonor.Matched <= PerDonorDailyCap, $"donor {worstDonor.Donor} was matched {worstDonor.Matched} > cap {PerDonorDailyCap}");
        var byProject = scene.Projects.ToDictionary(p => p, p => plan.Select((x, i) => (x, i)).Where(t => t.x.ProjectId == p).ToList());
        foreach (var (projectId, items) in byProject)
        {
            var matched = items.Sum(t => matchOf[t.i]);
            Assert.True(matched <= PerProjectCap, $"project {projectId} was matched {matched} > cap {PerProjectCap}");
        }

        // Invariant 2: demand exceeded the budget, so nothing is stranded.
        var usage = await scene.PoolUsageAsync(pool);
        Assert.Equal((Budget, 0L), usage);
        Assert.Equal(Budget, poolMatched);

        // Invariant 3: totals exact to the fen against the acknowledged answers.
        foreach (var (projectId, items) in byProject)
        {
            var expected = (items.Sum(t => plan[t.i].Amount), items.Sum(t => matchOf[t.i]), (long)items.Count);
            Assert.Equal(expected, await scene.ProjectTotalsAsync(projectId));
        }
        var campaign = await _api.GetCampaignAsync(scene.CampaignId);
        Assert.Equal((plan.Sum(p => p.Amount), poolMatched, (long)plan.Length),
            (campaign.Long("raised"), campaign.Long("matched"), campaign.Long("donationCount")));

        // Group commit: the ledger wrote these donations in fewer transactions than donations.
        var created = answers.Count(a => a.Code == 201);
        Assert.Equal(plan.Length, created + answers.Count(a => a.Code == 200 && a["replayed"].GetValue<bool>()));
        var donationsWritten = batchesAfter.Sum - batchesBefore.Sum;
        var commits = batchesAfter.Count - batchesBefore.Count;
        Assert.Equal(plan.Length, donationsWritten);
        Assert.True(commits > 0 && donationsWritten / commits > 1.0,
            $"group commit should write many donations per transaction: {donationsWritten} donations in {commits} commits");
    }

    private async Task<ApiResponse> PostWithRetriesAsync(string key, Planned donation, HttpClient client)
    {
        var body = new { donationId = donation.DonationId, projectId = donation.ProjectId, donorId = donation.DonorId, amount = donation.Amount };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var response = await _api.PostDonationAsync(key, body, client);
                // A partner retries what was shed or unavailable, with the same id: idempotency makes that safe.
                if (response.Status is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable) || attempt == 5)
                {
                    return response;
                }
            }
            catch (HttpRequestException) when (attempt < 5)
            {
            }
            await Task.Delay(100 * attempt);
        }
    }

    [GeneratedRegex("""^charityday_ledger_commit_batch_size_(sum|count)\{([^}]*)\} (\S+)""", RegexOptions.Multiline)]
    private static partial Regex BatchSizeLine();

    /// <summary>The commit batch-size histogram of one campaign, summed over every silo's /metrics.</summary>
    private async Task<(double Sum, double Count)> ScrapeCommitBatchesAsync(string campaignId)
    {
        double sum = 0, count = 0;
        foreach (var host in deployment.Hosts)
        {
            using var http = new HttpClient { BaseAddress = host.BaseAddress };
            var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            foreach (Match line in BatchSizeLine().Matches(text))
            {
                if (!line.Groups[2].Value.Contains($"campaign=\"{campaignId}\"", StringComparison.Ordinal))
                {
                    continue;
                }
                var value = double.Parse(line.Groups[3].Value, CultureInfo.InvariantCulture);
                if (line.Groups[1].Value == "sum")
                {
                    sum += value;
                }
                else
                {
                    count += value;
                }
            }
        }
        return (sum, count);
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedConcurrentDonationTests(EmbeddedDeployment deployment) : ConcurrentDonationTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresConcurrentDonationTests(PostgresClusterDeployment deployment) : ConcurrentDonationTests(deployment);
