using Orleans.Concurrency;

namespace CharityDay.Contracts;

/// <summary>
/// The write path and the single matching authority of one campaign: its projects' totals and
/// every pool's budget live here, so no invariant of SPEC §3 spans two activations.
/// </summary>
[Alias("cd.ICampaignGrain")]
public interface ICampaignGrain : IGrainWithStringKey
{
    [Alias("GetSettings")] Task<CampaignSettings?> GetSettings();
    [Alias("Put")] Task<Change<CampaignSettings>> Put(CampaignSettings settings);
    [Alias("UpsertProject")] Task UpsertProject(ProjectSettings project);
    [Alias("UpsertPool")] Task UpsertPool(PoolSettings pool);
    [Alias("Donate")] Task<IReadOnlyList<DonationOutcome>> Donate(IReadOnlyList<DonationRequest> donations);
    [Alias("Refund")] Task<RefundOutcome> Refund(string partnerId, string donationId);
    [Alias("Clawback")] Task<ClawbackOutcome> Clawback(string poolId, string donorId, string reason, string keyId);
    [Alias("GetView")] Task<CampaignView?> GetView();
    [Alias("GetPoolUsage")] Task<PoolUsageView> GetPoolUsage(string poolId);

    /// <summary>
    /// The public read side's pull: the latest snapshot when it is newer than <paramref name="knownVersion"/>,
    /// else null. Silos call it a few times a second per campaign, however many readers they serve.
    /// </summary>
    [Alias("GetSnapshot")] Task<CampaignSnapshot?> GetSnapshot(long knownVersion);
}

[Alias("cd.IProjectGrain")]
public interface IProjectGrain : IGrainWithStringKey
{
    // AlwaysInterleave: the campaign reads its catalog while a Put here awaits the campaign.
    [Alias("Get"), AlwaysInterleave] Task<ProjectSettings?> Get();
    [Alias("Put")] Task<Change<ProjectSettings>> Put(ProjectSettings settings);
}

[Alias("cd.IPoolGrain")]
public interface IPoolGrain : IGrainWithStringKey
{
    [Alias("Get"), AlwaysInterleave] Task<PoolSettings?> Get();
    [Alias("Put")] Task<Change<PoolSettings>> Put(PoolSettings settings);

    /// <summary>
    /// Applies a patch the caller merged onto <paramref name="expected"/>. When the pool changed since
    /// (another patch won the race) nothing is applied and the outcome is stale, so the caller merges
    /// again instead of silently undoing the other change. The budget delta is added to the budget as
    /// stored now, so concurrent top-ups add up.
    /// </summary>
    [Alias("Patch")] Task<PoolPatchOutcome> Patch(PoolSettings expected, PoolSettings merged, long budgetDeltaFen);
}

[Alias("cd.IPartnerGrain")]
public interface IPartnerGrain : IGrainWithStringKey
{
    [Alias("Get")] Task<PartnerSettings?> Get();
    [Alias("Put")] Task<Change<PartnerSettings>> Put(PartnerSettings settings);
}

[Alias("cd.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    [Alias("Get")] Task<ApiKeyRecord?> Get();
    [Alias("Create")] Task Create(ApiKeyRecord key);
    [Alias("Revoke")] Task<Change<ApiKeyRecord>?> Revoke();
}

/// <summary>Knows whether any manager key exists, so the host can create the first one.</summary>
[Alias("cd.IKeyDirectoryGrain")]
public interface IKeyDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("HasManagerKey")] Task<bool> HasManagerKey();
    [Alias("Register")] Task Register(string keyId, string role);

    /// <summary>Key ids (with their role) registered since the cursor: every silo's copy knows which ids exist.</summary>
    [Alias("Since")] Task<DirectoryDelta> Since(DirectoryCursor cursor);
}

[GenerateSerializer, Immutable, Alias("cd.PoolPatchOutcome")]
public sealed record PoolPatchOutcome(Change<PoolSettings>? Change, string? Error, bool Stale = false);

/// <summary>Reads a partner's donation from the ledger and routes its refund to its campaign.</summary>
[Alias("cd.IDonationLookupGrain")]
public interface IDonationLookupGrain : IGrainWithIntegerKey
{
    [Alias("Get")] Task<DonationView?> Get(string partnerId, string donationId);
    [Alias("Refund")] Task<RefundOutcome> Refund(string partnerId, string donationId);
}

/// <summary>Where a campaign's write path runs: for operators, and for crash tests that kill that silo.</summary>
[Alias("cd.ICampaignPlacement")]
public interface ICampaignPlacement : IGrainWithStringKey
{
    [Alias("SiloAddress"), AlwaysInterleave] Task<string> SiloAddress();
}
