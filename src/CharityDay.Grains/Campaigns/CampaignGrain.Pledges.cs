using CharityDay.Contracts;
using CharityDay.Contracts.Telemetry;
using CharityDay.Domain.Giving;
using CharityDay.Storage.Ledger;
using Microsoft.Extensions.Logging;

namespace CharityDay.Grains.Campaigns;

/// <summary>
/// SPEC §7 monthly pledges. Their terms decide which charges are accepted, so a change is made like a
/// pool change: under the write lock, after the commit in flight, durable under the writer fence
/// before memory changes; every charge posted after the answer is checked against the new terms.
/// </summary>
public sealed partial class CampaignGrain
{
    private readonly Dictionary<PledgeKey, PledgeSettings> _pledges = [];

    public Task<PledgeOutcome> PutPledge(PledgeSettings pledge) =>
        PledgeWriteAsync("put", async () =>
        {
            if (_settings is null || !_projects.TryGetValue(pledge.ProjectId, out var project))
            {
                return new PledgeOutcome(PledgeResult.ProjectNotFound, null, $"project {pledge.ProjectId} does not exist");
            }
            if (!project.IsOpen)
            {
                return new PledgeOutcome(PledgeResult.ProjectClosed, null, $"project {pledge.ProjectId} is closed");
            }
            var key = new PledgeKey(pledge.PartnerId, pledge.PledgeId);
            var before = _pledges.GetValueOrDefault(key);
            if (before is null && await ledger.GetPledgeAsync(pledge.PartnerId, pledge.PledgeId) is { } elsewhere)
            {
                return new PledgeOutcome(PledgeResult.Conflict, null, $"pledge {pledge.PledgeId} belongs to campaign {elsewhere.CampaignId}");
            }
            if (before is { Status: PledgeStatus.Cancelled })
            {
                return new PledgeOutcome(PledgeResult.Conflict, null, $"pledge {pledge.PledgeId} is cancelled; a new pledge takes a new pledgeId");
            }
            if (before is not null && SameTerms(before, pledge))
            {
                return new PledgeOutcome(PledgeResult.Unchanged, before);
            }
            var after = pledge with { Status = PledgeStatus.Active, CreatedAt = before?.CreatedAt ?? Now(), CancelledAt = null, CampaignId = CampaignId };
            await Fenced(async () => { await ledger.PutPledgeAsync(ToRow(after), _fence); return true; });
            Apply(key, before, after);
            return new PledgeOutcome(before is null ? PledgeResult.Created : PledgeResult.Replaced, after);
        });

    public Task<PledgeOutcome> CancelPledge(string partnerId, string pledgeId) =>
        PledgeWriteAsync("cancel", async () =>
        {
            var key = new PledgeKey(partnerId, pledgeId);
            if (_pledges.GetValueOrDefault(key) is not { } before)
            {
                return new PledgeOutcome(PledgeResult.NotFound, null, $"pledge {pledgeId} does not exist");
            }
            if (before.Status == PledgeStatus.Cancelled)
            {
                return new PledgeOutcome(PledgeResult.Unchanged, before);
            }
            var after = before with { Status = PledgeStatus.Cancelled, CancelledAt = Now() };
            await Fenced(async () => { await ledger.PutPledgeAsync(ToRow(after), _fence); return true; });
            Apply(key, before, after);
            return new PledgeOutcome(PledgeResult.Cancelled, after);
        });

    private async Task<PledgeOutcome> PledgeWriteAsync(string action, Func<Task<PledgeOutcome>> write)
    {
        using var activity = CharityDayTelemetry.Source.StartActivity($"pledge.{action}");
        await EnterExclusiveAsync();
        try
        {
            var outcome = await write();
            CharityDayTelemetry.PledgeWrites.Add(1, new KeyValuePair<string, object?>("campaign", CampaignId), new KeyValuePair<string, object?>("action", action), new KeyValuePair<string, object?>("result", outcome.Result.ToString()));
            if (outcome.Result is PledgeResult.Created or PledgeResult.Replaced or PledgeResult.Cancelled)
            {
                logger.LogInformation("Pledge {PledgeId} of partner {PartnerId} in campaign {CampaignId}: {Result}",
                    outcome.Pledge!.PledgeId, outcome.Pledge.PartnerId, CampaignId, outcome.Result);
            }
            return outcome;
        }
        finally
        {
            _gate.Exit();
        }
    }

    private void Apply(PledgeKey key, PledgeSettings? before, PledgeSettings after)
    {
        _pledges[key] = after;
        Write.Pledges.Set(key, Terms(after));
        if (before is not null && before.ProjectId != after.ProjectId)
        {
            ReadModel.TotalsChanged(before.ProjectId);
        }
        ReadModel.TotalsChanged(after.ProjectId);
    }

    /// <summary>Takes the campaign's pledges as the ledger has them (activation).</summary>
    private async Task LoadPledgesAsync(CancellationToken ct)
    {
        foreach (var row in await ledger.CampaignPledgesAsync(CampaignId, ct))
        {
            var pledge = new PledgeSettings(row.PartnerId, row.PledgeId, row.ProjectId, row.DonorId, row.AmountFen, row.DayOfMonth, row.Status,
                row.CreatedAt, row.CancelledAt, row.CampaignId);
            var key = new PledgeKey(row.PartnerId, row.PledgeId);
            _pledges[key] = pledge;
            Write.Pledges.Set(key, Terms(pledge));
            ReadModel.TotalsChanged(row.ProjectId);
        }
    }

    private static PledgeTerms Terms(PledgeSettings p) => new(p.ProjectId, p.DonorId, p.AmountFen, p.DayOfMonth, p.Status == PledgeStatus.Active);

    private static bool SameTerms(PledgeSettings a, PledgeSettings b) =>
        a.ProjectId == b.ProjectId && a.DonorId == b.DonorId && a.AmountFen == b.AmountFen && a.DayOfMonth == b.DayOfMonth;

    private LedgerPledge ToRow(PledgeSettings p) =>
        new(p.PartnerId, p.PledgeId, CampaignId, p.ProjectId, p.DonorId, p.AmountFen, p.DayOfMonth, p.Status, p.CreatedAt ?? Now(), p.CancelledAt);
}
