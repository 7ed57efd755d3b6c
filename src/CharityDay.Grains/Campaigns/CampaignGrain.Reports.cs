using CharityDay.Contracts;
using CharityDay.Contracts.Telemetry;
using CharityDay.Domain.Reports;
using CharityDay.Storage.Ledger;
using Microsoft.Extensions.Logging;

namespace CharityDay.Grains.Campaigns;

/// <summary>
/// SPEC §6 "Use of funds". A report moves no money, but its bound is money's: a project's spent stays in
/// [0, raised + matched]. So a report is filed like a refund — under the write lock, after the commit in
/// flight, against the totals every acknowledged donation, refund and clawback left — and a refund or
/// clawback that would leave a project below what it reported spent is refused the same way
/// (<see cref="SpentAllowsLoss"/>). A report and a concurrent refund cannot both pass on stale totals:
/// they are serialized here. Durable (report row + ledger event, one transaction, fenced) before memory
/// changes and before the answer; rebuilt from the reports table on activation.
/// </summary>
public sealed partial class CampaignGrain
{
    private readonly Dictionary<string, (long SpentFen, int Count)> _spent = new(StringComparer.Ordinal);

    /// <summary>What the read model shows for a project's use of funds.</summary>
    private (long SpentFen, int Count) SpentOf(string projectId) => _spent.GetValueOrDefault(projectId);

    public async Task<ReportOutcome> FileReport(ReportView filing)
    {
        using var activity = CharityDayTelemetry.Source.StartActivity("report.file");
        activity?.SetTag("campaign", CampaignId);
        activity?.SetTag("project", filing.ProjectId);
        await EnterExclusiveAsync();
        try
        {
            var outcome = await FileReportLockedAsync(filing);
            activity?.SetTag("result", outcome.Result.ToString());
            CharityDayTelemetry.ReportWrites.Add(1, new KeyValuePair<string, object?>("result", outcome.Result.ToString()));
            if (outcome.Result == ReportResult.Filed)
            {
                logger.LogInformation("Report {ReportId} of project {ProjectId} in campaign {CampaignId} filed: spent {SpentFen} fen, project spent now {ProjectSpentFen} fen (event {Seq})",
                    filing.ReportId, filing.ProjectId, CampaignId, filing.SpentFen, outcome.ProjectSpentFen, outcome.Report!.Seq);
            }
            else if (outcome.Result is ReportResult.OutOfBounds or ReportResult.Conflict)
            {
                logger.LogInformation("Report {ReportId} of project {ProjectId} in campaign {CampaignId} refused ({Result}): {Detail}",
                    filing.ReportId, filing.ProjectId, CampaignId, outcome.Result, outcome.Detail);
            }
            return outcome;
        }
        finally
        {
            _gate.Exit();
        }
    }

    private async Task<ReportOutcome> FileReportLockedAsync(ReportView filing)
    {
        await EnsureBookFreshAsync();
        if (_settings is null || !_projects.ContainsKey(filing.ProjectId))
        {
            return new ReportOutcome(ReportResult.ProjectNotFound, null, 0, $"project {filing.ProjectId} does not exist in campaign {CampaignId}");
        }
        var report = filing.ToDomain();
        var (spent, count) = SpentOf(filing.ProjectId);
        if (await OffTurn(() => ledger.GetReportAsync(filing.ProjectId, filing.ReportId)) is { } existing)
        {
            return existing.Report.PayloadJson == report.PayloadJson
                ? new ReportOutcome(ReportResult.Replayed, ReportView.Of(existing.Report, existing.CampaignId, existing.Seq, existing.FiledAt), spent)
                : new ReportOutcome(ReportResult.Conflict, null, spent, $"report {filing.ReportId} of project {filing.ProjectId} was filed with another payload; a correction is a new report");
        }
        var available = AvailableOf(filing.ProjectId);
        if (!SpentBound.TryReport(spent, filing.SpentFen, available, out var newSpent))
        {
            return new ReportOutcome(ReportResult.OutOfBounds, null, spent,
                $"the project's spent would be {newSpent} fen; it must stay between 0 and what its fundraising brought it ({available} fen raised + matched, net of refunds)");
        }
        var filedAt = Now();
        var seq = await NextEventSeqAsync();
        try
        {
            await Fenced(() => OffTurn(async () =>
            {
                await ledger.FileReportAsync(new LedgerReport(report, CampaignId, seq, filedAt), report.ToEvent(seq, CampaignId), _fence);
                return true;
            }));
        }
        catch
        {
            _lastEventSeq = null;
            throw;
        }
        _lastEventSeq = seq;
        _spent[filing.ProjectId] = (newSpent, count + 1);
        ReadModel.TotalsChanged(filing.ProjectId);
        return new ReportOutcome(ReportResult.Filed, ReportView.Of(report, CampaignId, seq, filedAt), newSpent);
    }

    /// <summary>Raised + matched, net of refunds and reversed matches, as the book has it now.</summary>
    private long AvailableOf(string projectId) =>
        Write.Totals.TryGetValue(projectId, out var t) ? SpentBound.Available(t.RaisedFen, t.MatchedFen) : 0;

    /// <summary>Whether the project can lose <paramref name="lossFen"/> of raised + matched and still cover its reported spent.</summary>
    private bool SpentAllowsLoss(string projectId, long lossFen) =>
        SpentBound.AllowsLoss(SpentOf(projectId).SpentFen, AvailableOf(projectId), lossFen);

    /// <summary>A clawback's reversals, checked per project before its transaction commits; throws to roll it back.</summary>
    private void ThrowIfSpentExceeded(IReadOnlyList<ReversedMatch> matches)
    {
        foreach (var project in matches.GroupBy(m => m.ProjectId, StringComparer.Ordinal))
        {
            if (!SpentAllowsLoss(project.Key, project.Sum(m => m.AmountFen)))
            {
                throw new SpentBoundException(
                    $"the clawback would leave project {project.Key} with less raised + matched than it has reported spent; the campaign's manager files a correcting use-of-funds report first");
            }
        }
    }

    /// <summary>Takes the campaign's spent per project as the ledger has it (activation).</summary>
    private async Task LoadSpentAsync(CancellationToken ct)
    {
        _spent.Clear();
        foreach (var (projectId, spent) in await ledger.CampaignSpentAsync(CampaignId, ct))
        {
            _spent[projectId] = spent;
            ReadModel.TotalsChanged(projectId);
        }
    }
}

/// <summary>A refund or clawback refused because a project would keep less than it reported spent (SPEC §6); nothing was written.</summary>
public sealed class SpentBoundException(string message) : Exception(message);
