using System.Text.Json;
using CharityDay.Rehearsal.Scenario;

namespace CharityDay.Rehearsal.Run;

/// <summary>What the setup created: the keys the partners and the manager use during the day.</summary>
public sealed record RunTarget(string CampaignId, IReadOnlyList<string> PartnerSecrets, string ManagerKey)
{
    public string PoolId(string key) => $"{CampaignId}-{key}";
}

/// <summary>Creates the run's campaign, projects, pools, partners and partner keys through the admin API (SPEC §4).</summary>
public static class Setup
{
    public static async Task<RunTarget> RunAsync(Api api, ScenarioPlan plan, string managerKey, CancellationToken ct)
    {
        var campaignId = plan.Settings.CampaignId;
        await api.SendOkAsync(HttpMethod.Put, $"v1/admin/campaigns/{campaignId}",
            new { name = $"Rehearsal {campaignId}", timeZone = "Asia/Shanghai" }, managerKey, ct);

        // Parents first: a sub-project names an existing parent.
        var ordered = plan.Population.Projects.OrderBy(p => p.ParentProjectId is null ? 0 : 1).ToList();
        foreach (var wave in new[] { ordered.Where(p => p.ParentProjectId is null), ordered.Where(p => p.ParentProjectId is not null) })
        {
            await Parallel.ForEachAsync(wave, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (p, token) =>
                await api.SendOkAsync(HttpMethod.Put, $"v1/admin/projects/{p.ProjectId}", new
                {
                    campaignId,
                    name = p.Name,
                    organization = "Rehearsal Foundation",
                    parentProjectId = p.ParentProjectId,
                    status = p.Closed ? "closed" : "open",
                }, managerKey, token));
        }

        foreach (var pool in plan.Pools)
        {
            await api.SendOkAsync(HttpMethod.Put, $"v1/admin/pools/{pool.PoolId(campaignId)}", PoolBody(campaignId, pool), managerKey, ct);
        }

        var secrets = new List<string>();
        foreach (var partner in Population.Partners)
        {
            // The API's highest limit: the rehearsal's peak (≈16,000/s over five partners) must meet the
            // system's bounds, not the default partner limit (2,000/s).
            await api.SendOkAsync(HttpMethod.Put, $"v1/admin/partners/{partner.PartnerId}", new { name = partner.Name, rateLimit = 10_000_000 }, managerKey, ct);
            var answer = await api.SendOkAsync(HttpMethod.Post, "v1/admin/keys", new { role = "partner", partnerId = partner.PartnerId }, managerKey, ct);
            var key = JsonSerializer.Deserialize(answer.Body, WireJson.Default.KeyAnswer);
            secrets.Add(key?.Secret ?? throw new ApiException($"POST v1/admin/keys gave no secret: {answer.Snippet()}"));
        }

        return new RunTarget(campaignId, secrets, managerKey);
    }

    public static Dictionary<string, object?> PoolBody(string campaignId, PoolPlan pool)
    {
        var body = new Dictionary<string, object?>
        {
            ["campaignId"] = campaignId,
            ["sponsor"] = pool.Sponsor,
            ["budget"] = pool.BudgetFen,
            ["priority"] = pool.Priority,
            ["paused"] = pool.StartsPaused,
        };
        void Add(string name, object? value)
        {
            if (value is not null)
            {
                body[name] = value;
            }
        }

        Add("ratioBps", pool.RatioBps);
        Add("randomRatioBps", pool.RandomRatioBps is { } r ? new { min = r.Min, max = r.Max } : null);
        Add("perDonationCap", pool.PerDonationCapFen);
        Add("perDonorDailyCap", pool.PerDonorDailyCapFen);
        Add("perDonorDailyCount", pool.PerDonorDailyCount);
        Add("perDonorMinuteCount", pool.PerDonorMinuteCount);
        Add("perProjectCap", pool.PerProjectCapFen);
        Add("dailyBudget", pool.DailyBudgetFen);
        Add("minDonation", pool.MinDonationFen);
        Add("projectIds", pool.ProjectIds);
        return body;
    }
}
