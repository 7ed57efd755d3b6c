using CharityDay.Contracts;

namespace CharityDay.Api.ReadSide;

/// <summary>This silo's copy of the campaign and project ids (and each project's campaign).</summary>
public sealed class CatalogReplica(IGrainFactory grains, TimeProvider time)
{
    private readonly DirectoryReplica _replica = new("catalog", cursor => grains.GetGrain<ICatalogDirectoryGrain>(0).Since(cursor), time);

    public DateTimeOffset AsOf => _replica.AsOf;

    public ValueTask<string?> CampaignOfProjectAsync(string projectId) => _replica.FindAsync(DirectoryKind.Project, projectId);

    public async ValueTask<bool> CampaignExistsAsync(string campaignId) => await _replica.FindAsync(DirectoryKind.Campaign, campaignId) is not null;
}

/// <summary>This silo's copy of the API key ids that exist, with their role.</summary>
public sealed class KeyReplica(IGrainFactory grains, TimeProvider time)
{
    private readonly DirectoryReplica _replica = new("keys", cursor => grains.GetGrain<IKeyDirectoryGrain>(0).Since(cursor), time);

    public async ValueTask<bool> ExistsAsync(string keyId) => await _replica.FindAsync(DirectoryKind.Key, keyId) is not null;
}
