using CharityDay.Contracts;

namespace CharityDay.Api.ReadSide;

/// <summary>
/// This silo's copy of the campaign and project ids (and each project's campaign), one replica per
/// directory partition: a miss refreshes only the partition its id falls in.
/// </summary>
public sealed class CatalogReplica(IGrainFactory grains, TimeProvider time)
{
    private readonly DirectoryReplica[] _partitions = [.. Enumerable.Range(0, CatalogPartitions.Count)
        .Select(p => new DirectoryReplica("catalog", cursor => grains.GetGrain<ICatalogDirectoryGrain>(p).Since(cursor), time))];

    /// <summary>Fetches every partition once (at silo start).</summary>
    public Task LoadAllAsync() => Task.WhenAll(_partitions.Select(p => p.RefreshAsync()));

    /// <summary>Up to when the partition holding <paramref name="id"/> is complete.</summary>
    public DateTimeOffset AsOf(string id) => _partitions[CatalogPartitions.Of(id)].AsOf;

    public ValueTask<string?> CampaignOfProjectAsync(string projectId) =>
        _partitions[CatalogPartitions.Of(projectId)].FindAsync(DirectoryKind.Project, projectId);

    public async ValueTask<bool> CampaignExistsAsync(string campaignId) =>
        await _partitions[CatalogPartitions.Of(campaignId)].FindAsync(DirectoryKind.Campaign, campaignId) is not null;
}

/// <summary>This silo's copy of the API key ids that exist, with their role.</summary>
public sealed class KeyReplica(IGrainFactory grains, TimeProvider time)
{
    private readonly DirectoryReplica _replica = new("keys", cursor => grains.GetGrain<IKeyDirectoryGrain>(0).Since(cursor), time);

    public async ValueTask<bool> ExistsAsync(string keyId) => await _replica.FindAsync(DirectoryKind.Key, keyId) is not null;
}
