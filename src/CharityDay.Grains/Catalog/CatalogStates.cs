using CharityDay.Contracts;

namespace CharityDay.Grains.Catalog;

// Persisted grain states. ADO.NET storage records the type name: do not rename or move them.

[GenerateSerializer, Alias("cd.CatalogDirectoryState")]
public sealed class CatalogDirectoryState
{
    [Id(0)] public HashSet<string> Campaigns { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public Dictionary<string, string> ProjectCampaigns { get; set; } = new(StringComparer.Ordinal);
}
