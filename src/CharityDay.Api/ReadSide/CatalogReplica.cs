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

    /// <summary>
    /// The project's campaign, or null when there is no such project. <paramref name="acceptRecentMiss"/>
    /// only for answers that may lag (public reads): a write or an admin read must see every project
    /// registered before it arrived (<see cref="DirectoryReplica.FindAsync"/>).
    /// </summary>
    public ValueTask<string?> CampaignOfProjectAsync(string projectId, bool acceptRecentMiss = false) =>
        _partitions[CatalogPartitions.Of(projectId)].FindAsync(DirectoryKind.Project, projectId, acceptRecentMiss);

    public async ValueTask<bool> CampaignExistsAsync(string campaignId, bool acceptRecentMiss = false) =>
        await _partitions[CatalogPartitions.Of(campaignId)].FindAsync(DirectoryKind.Campaign, campaignId, acceptRecentMiss) is not null;
}

/// <summary>This silo's copy of the API key ids that exist, with their role.</summary>
public sealed class KeyReplica(IGrainFactory grains, TimeProvider time)
{
    private readonly DirectoryReplica _replica = new("keys", cursor => grains.GetGrain<IKeyDirectoryGrain>(0).Since(cursor), time);

    /// <summary>
    /// Key ids are random and made by the server, so nobody can ask for one before it exists: a recent
    /// miss (the same unknown key sent again) is answered from memory without hiding a new key.
    /// </summary>
    public async ValueTask<bool> ExistsAsync(string keyId) => await _replica.FindAsync(DirectoryKind.Key, keyId, acceptRecentMiss: true) is not null;

    /// <summary>Fetches the directory once (at silo start), so the first unknown key is not what activates it.</summary>
    public Task LoadAsync() => _replica.RefreshAsync();
}
