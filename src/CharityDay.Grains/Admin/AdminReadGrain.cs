using CharityDay.Contracts;
using CharityDay.Storage.Ledger;
using Orleans.Concurrency;

namespace CharityDay.Grains.Admin;

/// <summary>
/// A stateless front to the admin store: runs on the silo that took the request. One reentrant
/// activation per silo serves every concurrent read (they only await the store), so a burst of admin
/// reads leaves no extra activations behind.
/// </summary>
[StatelessWorker(1), Reentrant]
public sealed class AdminReadGrain(IAdminStore admin) : Grain, IAdminReadGrain
{
    public async Task<AdminRowView?> GetSetting(string kind, string id) =>
        await admin.GetSettingAsync(kind, id) is { } row ? View(row) : null;

    public async Task<IReadOnlyList<AdminRowView>> List(string kind, string? campaignId, string? after, int limit) =>
        [.. (await admin.ListSettingsAsync(kind, campaignId, after, limit)).Select(View)];

    public async Task<IReadOnlyList<AuditEntryView>> Audit(IReadOnlyList<string>? campaignIds, bool includeGlobal, long afterSeq, int limit) =>
        [.. (await admin.QueryAuditAsync(campaignIds, includeGlobal, afterSeq, limit)).Select(e =>
            new AuditEntryView(e.Seq, e.At, e.KeyId, e.Action, e.Target, e.CampaignId, e.BeforeJson, e.AfterJson, e.PrevHash, e.Hash))];

    public async Task<AuditEntryView?> AuditHead()
    {
        var (seq, hash) = await admin.AuditHeadAsync();
        return new AuditEntryView(seq, "", "", "", "", null, null, null, "", hash);
    }

    public Task<IReadOnlyDictionary<string, DateTimeOffset>> KeysLastUsed(IReadOnlyList<string> keyIds) => admin.KeysLastUsedAsync(keyIds);

    private static AdminRowView View(AdminRow row) => new(row.Kind, row.Id, row.CampaignId, row.SettingsJson, row.ETag);
}
