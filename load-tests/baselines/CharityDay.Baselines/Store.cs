using System.Collections.Concurrent;

namespace CharityDay.Baselines;

internal enum DonateKind
{
    Created,
    Replayed,
    Conflict,
}

internal sealed record DonateResult(DonateKind Kind, DonationOut? Donation);

/// <summary>A donation that passed validation, with its acceptance time and the campaign of its project.</summary>
internal sealed record Donation(string PartnerId, string DonationId, string CampaignId, string ProjectId, string DonorId, long Amount, DateTimeOffset AcceptedAt)
{
    /// <summary>The campaign's day (Asia/Shanghai, UTC+8, no daylight saving) as a day number: what the per-donor cap counts in.</summary>
    public int LocalDay => (int)((AcceptedAt.ToUnixTimeMilliseconds() + (8 * 3_600_000L)) / 86_400_000L);
}

/// <summary>Where the baseline keeps pools, donations and matches. Each donation is decided and stored on its own.</summary>
internal interface IStore
{
    Task InitAsync();

    Task PutPoolAsync(string poolId, string campaignId, PoolIn pool);

    Task<PoolOut?> PatchPoolAsync(string poolId, PoolIn patch);

    Task<PoolOut?> GetPoolAsync(string poolId);

    Task<CampaignOut> GetCampaignAsync(string campaignId);

    Task<DonateResult> DonateAsync(Donation donation);

    Task<DonationOut?> GetDonationAsync(string partnerId, string donationId);
}

/// <summary>Projects and the pool ids of each campaign, in memory (CharityDay also caches project → campaign).</summary>
internal sealed class Catalog
{
    public ConcurrentDictionary<string, string> CampaignOfProject { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, string[]> PoolsOfCampaign { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, string> CampaignOfPool { get; } = new(StringComparer.Ordinal);

    public void AddPool(string poolId, string campaignId)
    {
        CampaignOfPool[poolId] = campaignId;
        PoolsOfCampaign.AddOrUpdate(campaignId, _ => [poolId],
            (_, pools) => pools.Contains(poolId, StringComparer.Ordinal) ? pools : [.. pools.Append(poolId).Order(StringComparer.Ordinal)]);
    }
}

internal static class Matching
{
    /// <summary>SPEC §3 for the fields the baseline supports: ratio, per-donor daily cap, budget, paused.</summary>
    public static long Match(long amount, int ratioBps, bool paused, long budget, long matched, long? donorCap, long donorMatched)
    {
        if (paused)
        {
            return 0;
        }

        var want = amount * ratioBps / 10_000;
        want = Math.Min(want, budget - matched);
        if (donorCap is { } cap)
        {
            want = Math.Min(want, cap - donorMatched);
        }

        return Math.Max(0, want);
    }
}
