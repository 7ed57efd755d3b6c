using CharityDay.Contracts;

namespace CharityDay.Grains.Catalog;

// Persisted grain states. ADO.NET storage records the type name: do not rename or move them.

[GenerateSerializer, Alias("cd.ProjectState")]
public sealed class ProjectState
{
    [Id(0)] public ProjectSettings? Settings { get; set; }
}

[GenerateSerializer, Alias("cd.PoolState")]
public sealed class PoolState
{
    [Id(0)] public PoolSettings? Settings { get; set; }
}

[GenerateSerializer, Alias("cd.PartnerState")]
public sealed class PartnerState
{
    [Id(0)] public PartnerSettings? Settings { get; set; }
}

[GenerateSerializer, Alias("cd.ApiKeyState")]
public sealed class ApiKeyState
{
    [Id(0)] public ApiKeyRecord? Key { get; set; }
}

[GenerateSerializer, Alias("cd.KeyDirectoryState")]
public sealed class KeyDirectoryState
{
    [Id(0)] public Dictionary<string, string> RolesByKeyId { get; set; } = [];
}

[GenerateSerializer, Alias("cd.CatalogDirectoryState")]
public sealed class CatalogDirectoryState
{
    [Id(0)] public HashSet<string> Campaigns { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public Dictionary<string, string> ProjectCampaigns { get; set; } = new(StringComparer.Ordinal);
}
