using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using CharityDay.Rehearsal.Run;

namespace CharityDay.Rehearsal.Verdict;

/// <summary>Reads, after the run, what the verdict compares: campaign, pools, projects, and the donations one by one.</summary>
public static class ServerReader
{
    public static async Task<ServerView> ReadAsync(Api api, RunTarget target, VerdictInput input, IReadOnlyList<string> projectIds,
        int donationSample, TimeSpan settleTimeout, int seed)
    {
        // Reads may lag writes briefly (SPEC §3, invariant 3): wait until the campaign totals settle.
        var expected = new Expected(input);
        CampaignAnswer? campaign = null;
        var waited = Stopwatch.StartNew();
        do
        {
            var answer = await api.SendAsync(HttpMethod.Get, $"v1/campaigns/{target.CampaignId}", null, null, CancellationToken.None);
            campaign = answer.Ok ? JsonSerializer.Deserialize(answer.Body, WireJson.Default.CampaignAnswer) : null;
            if (campaign is not null && campaign.Raised == expected.Campaign.RaisedFen && campaign.DonationCount == expected.Campaign.Count
                && campaign.Matched == expected.Campaign.MatchedFen)
            {
                break;
            }

            await Task.Delay(250);
        }
        while (waited.Elapsed < settleTimeout);

        var pools = new Dictionary<string, PoolAnswer>(StringComparer.Ordinal);
        foreach (var pool in input.Pools)
        {
            var answer = await api.SendAsync(HttpMethod.Get, $"v1/admin/pools/{pool.PoolId}", null, target.ManagerKey, CancellationToken.None);
            if (answer.Ok && JsonSerializer.Deserialize(answer.Body, WireJson.Default.PoolAnswer) is { } read)
            {
                pools[pool.PoolId] = read;
            }
        }

        var projects = new ConcurrentDictionary<string, ProjectAnswer>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(projectIds, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, ct) =>
        {
            var answer = await api.SendAsync(HttpMethod.Get, $"v1/projects/{id}", null, null, ct);
            if (answer.Ok && JsonSerializer.Deserialize(answer.Body, WireJson.Default.ProjectAnswer) is { } read)
            {
                projects[id] = read;
            }
        });

        var partnerKeys = Scenario.Population.Partners.Select((p, i) => (p.PartnerId, Key: target.PartnerSecrets[i]))
            .ToDictionary(p => p.PartnerId, p => p.Key, StringComparer.Ordinal);
        var sample = Sample(input.Acknowledged, donationSample, seed);
        var donations = new ConcurrentDictionary<string, DonationAnswer?>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(sample, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (d, ct) =>
        {
            var answer = await GetDonationAsync(api, partnerKeys[d.PartnerId], d.DonationId, ct);
            if (answer.Status is 200 or 404)
            {
                donations[d.Key] = answer.Status == 200 ? Wire.Parse(answer.Body, WireJson.Default.DonationAnswer) : null;
            }
        });

        var absent = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(input.MustBeAbsent, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (d, ct) =>
        {
            var answer = await GetDonationAsync(api, partnerKeys[d.PartnerId], d.DonationId, ct);
            absent[DonationFact.DonationKey(d.PartnerId, d.DonationId)] = answer.Status;
        });

        return new ServerView(campaign, pools, projects, donations, absent);
    }

    /// <summary>All of them when <paramref name="size"/> is 0 or covers them; otherwise a seeded sample.</summary>
    private static IReadOnlyList<DonationFact> Sample(IReadOnlyList<DonationFact> all, int size, int seed)
    {
        if (size <= 0 || size >= all.Count)
        {
            return all;
        }

        var random = new Random(seed);
        return [.. all.OrderBy(_ => random.Next()).Take(size)];
    }

    private static async Task<ApiAnswer> GetDonationAsync(Api api, string key, string donationId, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var answer = await api.SendAsync(HttpMethod.Get, $"v1/donations/{Uri.EscapeDataString(donationId)}", null, key, ct);
                if (answer.Status is 200 or 404 || attempt == 5)
                {
                    return answer;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && attempt < 5)
            {
                // try again
            }

            await Task.Delay(200 * attempt, ct);
        }
    }
}
