using CharityDay.Domain.Reports;

namespace CharityDay.Contracts;

/// <summary>One delivered item of a use-of-funds report (SPEC §6).</summary>
[GenerateSerializer, Immutable, Alias("cd.ReportItemView")]
public sealed record ReportItemView([property: Id(0)] string Description, [property: Id(1)] long Quantity, [property: Id(2)] string Unit);

/// <summary>A use-of-funds report as the API shows it: what was filed, and its place in the campaign's ledger.</summary>
[GenerateSerializer, Immutable, Alias("cd.ReportView")]
public sealed record ReportView(
    [property: Id(0)] string ProjectId,
    [property: Id(1)] string ReportId,
    [property: Id(2)] string CampaignId,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string Title,
    [property: Id(5)] long SpentFen,
    [property: Id(6)] IReadOnlyList<ReportItemView> Items,
    [property: Id(7)] string? EvidenceUrl,
    [property: Id(8)] long Seq,
    [property: Id(9)] DateTimeOffset FiledAt)
{
    public UseOfFundsReport ToDomain() =>
        new(ProjectId, ReportId, At, Title, SpentFen, [.. Items.Select(i => new ReportItem(i.Description, i.Quantity, i.Unit))], EvidenceUrl);

    public static ReportView Of(UseOfFundsReport r, string campaignId, long seq, DateTimeOffset filedAt) =>
        new(r.ProjectId, r.ReportId, campaignId, r.At, r.Title, r.SpentFen, [.. r.Items.Select(i => new ReportItemView(i.Description, i.Quantity, i.Unit))],
            r.EvidenceUrl, seq, filedAt);
}

public enum ReportResult
{
    Filed,
    Replayed,
    ProjectNotFound,
    /// <summary>The same reportId with another payload.</summary>
    Conflict,
    /// <summary>The project's spent would leave [0, raised + matched]; nothing recorded.</summary>
    OutOfBounds,
}

/// <summary>A report's answer: the report (filed or replayed) and the project's spent after it.</summary>
[GenerateSerializer, Immutable, Alias("cd.ReportOutcome")]
public sealed record ReportOutcome(
    [property: Id(0)] ReportResult Result,
    [property: Id(1)] ReportView? Report,
    [property: Id(2)] long ProjectSpentFen,
    [property: Id(3)] string? Detail = null);

/// <summary>A page of a project's reports, oldest first; <see cref="Next"/> is the cursor of the next page, if any.</summary>
[GenerateSerializer, Immutable, Alias("cd.ReportPage")]
public sealed record ReportPage([property: Id(0)] IReadOnlyList<ReportView> Items, [property: Id(1)] long? Next);
