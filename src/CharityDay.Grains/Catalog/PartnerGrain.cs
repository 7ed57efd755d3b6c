using CharityDay.Contracts;
using CharityDay.Grains.Admin;
using CharityDay.Storage.Ledger;
using Microsoft.Extensions.Logging;

namespace CharityDay.Grains.Catalog;

/// <summary>A partner's settings, as the store has them; a change commits with its audit entry before memory takes it.</summary>
public sealed class PartnerGrain(IAdminStore admin, TimeProvider time, ILogger<PartnerGrain> logger) : Grain, IPartnerGrain
{
    private PartnerSettings? _settings;
    private string? _etag;

    private string PartnerId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken) => StorageFaultTranslation.TranslateAsync(LoadAsync);

    public Task<PartnerSettings?> Get() => Task.FromResult(_settings);

    public async Task<AdminAnswer> Put(AdminRequest request, PartnerSettings settings)
    {
        if (await AdminCommits.ReplayAsync(admin, request) is { } replay)
        {
            return replay;
        }
        for (var attempt = 0; ; attempt++)
        {
            if (!request.Matches(_etag))
            {
                return AdminCommits.PreconditionFailed($"partner {PartnerId}");
            }
            var at = time.GetUtcNow();
            var before = _settings;
            var view = AdminJson.Partner(settings);
            var write = AdminCommits.Setting(AdminKinds.Partner, PartnerId, null, settings, view, _etag);
            var audit = AdminCommits.Audit(request, at, before is null ? "partner.create" : "partner.replace", AdminKinds.Partner, PartnerId, null,
                before is null ? null : AdminJson.Partner(before), view);
            var answer = AdminCommits.Success(before is null ? 201 : 200, view, write.ETag);
            var (result, reply) = await AdminCommits.CommitAsync(admin, request, AdminCommits.Build(request, at, [write], audit, answer), answer, $"partner {PartnerId}", logger);
            switch (result)
            {
                case AdminCommitResult.Committed:
                    (_settings, _etag) = (settings, write.ETag);
                    return reply;
                case null:
                    // The outcome is unknown: the next call reads the store again.
                    DeactivateOnIdle();
                    return reply;
                case AdminCommitResult.Stale when attempt == 0:
                    await LoadAsync();
                    continue;
                default:
                    return reply;
            }
        }
    }

    private async Task LoadAsync()
    {
        var row = await admin.GetSettingAsync(AdminKinds.Partner, PartnerId);
        (_settings, _etag) = row is null ? (null, null) : (AdminSettingsJson.Load<PartnerSettings>(row.SettingsJson), row.ETag);
    }
}
