using CharityDay.Contracts;

namespace CharityDay.Grains.Campaigns;

/// <summary>
/// What a campaign persists through grain storage: its settings and the ids of its projects and
/// pools. Totals and pool usage are not here: they are derived from the ledger on activation.
/// </summary>
[GenerateSerializer, Alias("cd.CampaignState")]
public sealed class CampaignState
{
    [Id(0)] public CampaignSettings? Settings { get; set; }
    [Id(1)] public HashSet<string> ProjectIds { get; set; } = [];
    [Id(2)] public HashSet<string> PoolIds { get; set; } = [];
}
