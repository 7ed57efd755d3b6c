using CharityDay.Integration.Tests.Infrastructure;
using CharityDay.Integration.Tests.Telemetry;

namespace CharityDay.Integration.Tests.Public;

/// <summary>Sums of /metrics series over every host of a deployment (each silo serves its own counters).</summary>
public static class SiloMetrics
{
    /// <summary>Every call that reached a campaign's writer activation, by <c>campaign</c> and <c>method</c> (grain method name).</summary>
    public const string WriterCalls = "charityday_campaign_writer_calls_total";

    /// <summary>Snapshot pulls by the silos' public read caches.</summary>
    public const string SnapshotFetches = "charityday_read_snapshot_fetches_total";

    /// <summary>
    /// Orleans' own counter of activations created, one series per <c>grain_type</c> (with
    /// <c>otel_scope_name="Microsoft.Orleans"</c>). A counter, not the <c>orleans_catalog_activations</c>
    /// gauge: an activation that is created and deactivated again between two scrapes still counts.
    /// </summary>
    public const string ActivationsCreated = "orleans_catalog_activation_created_total";

    /// <summary>Orleans' gauge of the activations alive now, one series per <c>grain_type</c>.</summary>
    public const string ActivationsAlive = "orleans_catalog_activations";

    /// <summary>The writer's write methods (SPEC §4 writes and admin writes); every other method is a read of the writer.</summary>
    public static readonly IReadOnlySet<string> WriteMethods = new HashSet<string>(StringComparer.Ordinal)
    {
        "Donate", "Refund", "Clawback", "PutCampaign", "PutProject", "PutPool", "PatchPool", "RevealSeed",
    };

    /// <summary>
    /// Grain types the server starts on its own, one per existing campaign (the checkpoint sweep starts
    /// the sealer of every campaign with unsealed events, at any moment): bounded by campaigns, never by
    /// requests, so the stranger counts leave them out.
    /// </summary>
    public static readonly IReadOnlySet<string> CampaignBackgroundWork = new HashSet<string>(StringComparer.Ordinal) { "checkpointsealer" };

    public static async Task<PrometheusScrape[]> ScrapeAllAsync(Deployment deployment)
    {
        return await Task.WhenAll(deployment.Hosts.Select(async host =>
        {
            using var http = new HttpClient { BaseAddress = host.ManagementAddress, Timeout = TimeSpan.FromSeconds(30) };
            return await PrometheusScrape.FromAsync(http);
        }));
    }

    /// <summary>Writer calls for one campaign other than writes, summed over methods and hosts.</summary>
    public static double WriterReads(IEnumerable<PrometheusScrape> scrapes, string campaignId) =>
        scrapes.SelectMany(s => s.Find(WriterCalls, ("campaign", campaignId)))
            .Where(s => !s.Labels.TryGetValue("method", out var method) || !WriteMethods.Contains(method))
            .Sum(s => s.Value);

    /// <summary>Writer calls for one campaign by method, summed over hosts, for failure messages.</summary>
    public static string WriterCallsByMethod(IEnumerable<PrometheusScrape> scrapes, string campaignId) =>
        string.Join(", ", scrapes.SelectMany(s => s.Find(WriterCalls, ("campaign", campaignId)))
            .GroupBy(s => s.Labels.GetValueOrDefault("method", "?"))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}={g.Sum(s => s.Value)}"));

    public static double Total(IEnumerable<PrometheusScrape> scrapes, string name) =>
        scrapes.SelectMany(s => s.Find(name)).Sum(s => s.Value);

    /// <summary>Activations created, by grain type, summed over hosts, for failure messages.</summary>
    public static Dictionary<string, double> ActivationsByGrainType(IEnumerable<PrometheusScrape> scrapes) =>
        scrapes.SelectMany(s => s.Find(ActivationsCreated))
            .Where(s => !CampaignBackgroundWork.Contains(s.Labels.GetValueOrDefault("grain_type", "")))
            .GroupBy(s => s.Labels.GetValueOrDefault("grain_type", "?"), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(s => s.Value), StringComparer.Ordinal);

    /// <summary>Application activations alive now (Orleans' own <c>sys.*</c> system targets left out), summed over hosts.</summary>
    public static Dictionary<string, double> AliveByGrainType(IEnumerable<PrometheusScrape> scrapes) =>
        scrapes.SelectMany(s => s.Find(ActivationsAlive))
            .Where(s => !s.Labels.GetValueOrDefault("grain_type", "").StartsWith("sys.", StringComparison.Ordinal))
            .Where(s => !CampaignBackgroundWork.Contains(s.Labels.GetValueOrDefault("grain_type", "")))
            .GroupBy(s => s.Labels.GetValueOrDefault("grain_type", "?"), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(s => s.Value), StringComparer.Ordinal);

    /// <summary>
    /// "type+n" for every grain type with more activations than before: what piled up. Fewer is fine
    /// (Orleans removes idle stateless workers, e.g. the per-silo admin-read and donation-lookup fronts).
    /// </summary>
    public static string Increased(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after) =>
        string.Join(", ", after.Keys
            .Select(k => (Type: k, Grew: after.GetValueOrDefault(k) - before.GetValueOrDefault(k)))
            .Where(g => g.Grew > 0)
            .Select(g => $"{g.Type}+{g.Grew:0}"));

    /// <summary>"type+n" for every grain type whose count differs, for failure messages.</summary>
    public static string Grown(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after) =>
        string.Join(", ", after.Keys.Union(before.Keys)
            .Select(k => (Type: k, Grew: after.GetValueOrDefault(k) - before.GetValueOrDefault(k)))
            .Where(g => g.Grew != 0)
            .Select(g => $"{g.Type}{g.Grew:+0;-0}"));
}
