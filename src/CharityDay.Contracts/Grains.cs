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

    // Admin writes of the campaign, its projects and its pools: each under the write lock and the
    // writer fence, committed with its audit entry (and Idempotency-Key answer) in one transaction,
    // and in effect for every donation after it answered (SPEC §3 invariant 4, §4 safe administration).
    [Alias("PutCampaign")] Task<AdminAnswer> PutCampaign(AdminRequest request, CampaignSettings settings);
    [Alias("PutProject")] Task<AdminAnswer> PutProject(AdminRequest request, ProjectSettings project);
    [Alias("PutPool")] Task<AdminAnswer> PutPool(AdminRequest request, PoolSettings pool);

    /// <summary>
    /// Applies a patch the caller merged onto <paramref name="expected"/>. When the pool changed since
    /// (another patch won the race) nothing is applied and the refusal is a stale merge, so the caller
    /// merges again instead of silently undoing the other change. The budget delta is added to the
    /// budget as it is now, so concurrent top-ups add up.
    /// </summary>
    [Alias("PatchPool")] Task<AdminAnswer> PatchPool(AdminRequest request, PoolSettings expected, PoolSettings merged, long budgetDeltaFen);
    /// <summary>SPEC §3 clawback; <paramref name="partnerId"/> flags one platform's donor only, null the donor id on every platform.</summary>
    [Alias("Clawback")] Task<AdminAnswer> Clawback(AdminRequest request, string poolId, string donorId, string? partnerId, string reason);
    [Alias("GetPool")] Task<PoolSettings?> GetPool(string poolId);
    [Alias("RevealSeed")] Task<AdminAnswer> RevealSeed(AdminRequest request, string poolId);

    [Alias("Donate")] Task<IReadOnlyList<DonationOutcome>> Donate(IReadOnlyList<DonationRequest> donations);
    [Alias("Refund")] Task<RefundOutcome> Refund(string partnerId, string donationId);
    [Alias("GetView")] Task<CampaignView?> GetView();
    [Alias("GetPoolUsage")] Task<PoolUsageView> GetPoolUsage(string poolId);

    /// <summary>
    /// The public read side's pull: the latest snapshot when it is newer than <paramref name="knownVersion"/>,
    /// else null. Silos call it a few times a second per campaign, however many readers they serve.
    /// </summary>
    [Alias("GetSnapshot")] Task<CampaignSnapshot?> GetSnapshot(long knownVersion);

    /// <summary>SPEC §7: a partner names its team in this campaign; durable before the answer.</summary>
    [Alias("PutTeam")] Task<TeamPutOutcome> PutTeam(TeamSettings team);

    /// <summary>SPEC §7: creates or replaces a monthly pledge; in effect for every charge posted after it answered.</summary>
    [Alias("PutPledge")] Task<PledgeOutcome> PutPledge(PledgeSettings pledge);

    /// <summary>SPEC §7: cancels a pledge (idempotent); its later charges are 422.</summary>
    [Alias("CancelPledge")] Task<PledgeOutcome> CancelPledge(string partnerId, string pledgeId);

    /// <summary>SPEC §6: files a use-of-funds report under the spent bound; durable (with its ledger event) before the answer.</summary>
    [Alias("FileReport")] Task<ReportOutcome> FileReport(ReportView report);
}

[Alias("cd.IPartnerGrain")]
public interface IPartnerGrain : IGrainWithStringKey
{
    [Alias("Get")] Task<PartnerSettings?> Get();
    [Alias("Put")] Task<AdminAnswer> Put(AdminRequest request, PartnerSettings settings);
}

[Alias("cd.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    [Alias("Get")] Task<ApiKeyRecord?> Get();
    [Alias("Create")] Task<AdminAnswer> Create(AdminRequest request, ApiKeyRecord key);
    [Alias("Revoke")] Task<AdminAnswer> Revoke(AdminRequest request);
}

/// <summary>Every key id with its role, loaded from the store; creates the first manager key exactly once.</summary>
[Alias("cd.IKeyDirectoryGrain")]
public interface IKeyDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Whether an unrevoked manager key exists.</summary>
    [Alias("HasManagerKey")] Task<bool> HasManagerKey();
    // Interleaves: a key being created calls it back while CreateFirstManagerKey awaits that creation.
    [Alias("Register"), AlwaysInterleave] Task Register(string keyId, string role, bool revoked);

    /// <summary>Creates <paramref name="key"/> when no unrevoked manager key exists; false when one does.</summary>
    [Alias("CreateFirstManagerKey")] Task<bool> CreateFirstManagerKey(ApiKeyRecord key);

    /// <summary>Key ids (with their role) registered since the cursor: every silo's copy knows which ids exist.</summary>
    [Alias("Since")] Task<DirectoryDelta> Since(DirectoryCursor cursor);
}

/// <summary>
/// Admin reads off the store, on any silo: the store is the truth an admin write committed to before
/// it answered, so every admin read after that answer shows it (SPEC §4 read-your-writes).
/// </summary>
[Alias("cd.IAdminReadGrain")]
public interface IAdminReadGrain : IGrainWithIntegerKey
{
    [Alias("GetSetting")] Task<AdminRowView?> GetSetting(string kind, string id);
    [Alias("List")] Task<IReadOnlyList<AdminRowView>> List(string kind, string? campaignId, string? after, int limit);

    /// <summary>Entries after <paramref name="afterSeq"/>, oldest first; <paramref name="campaignIds"/> null: every campaign.</summary>
    [Alias("Audit")] Task<IReadOnlyList<AuditEntryView>> Audit(IReadOnlyList<string>? campaignIds, bool includeGlobal, long afterSeq, int limit);
    [Alias("AuditHead")] Task<AuditEntryView?> AuditHead();
    [Alias("KeysLastUsed")] Task<IReadOnlyDictionary<string, DateTimeOffset>> KeysLastUsed(IReadOnlyList<string> keyIds);
}

/// <summary>Reads a partner's donation from the ledger and routes its refund to its campaign.</summary>
[Alias("cd.IDonationLookupGrain")]
public interface IDonationLookupGrain : IGrainWithIntegerKey
{
    [Alias("Get")] Task<DonationView?> Get(string partnerId, string donationId);
    [Alias("Refund")] Task<RefundOutcome> Refund(string partnerId, string donationId);
    [Alias("CancelPledge")] Task<PledgeOutcome> CancelPledge(string partnerId, string pledgeId);
}

/// <summary>Where a campaign's write path runs: for operators, and for crash tests that kill that silo.</summary>
[Alias("cd.ICampaignPlacement")]
public interface ICampaignPlacement : IGrainWithStringKey
{
    [Alias("SiloAddress"), AlwaysInterleave] Task<string> SiloAddress();
}
