using System.ComponentModel;

namespace CharityDay.Api.Schemas;

[Description("POST /v1/admin/projects/{projectId}/reports: what the project's organisation spent and delivered (SPEC §6).")]
public sealed record ReportBody
{
    public required string ReportId { get; init; }

    [Description("When (RFC 3339 with an offset).")]
    public required string At { get; init; }

    [Description("Free text, 1–200 characters.")]
    public required string Title { get; init; }

    [Description("Fen; negative only to correct an earlier report. The project's total stays in [0, raised + matched].")]
    public required long Spent { get; init; }

    public IReadOnlyList<ReportItem>? Items { get; init; }

    [Description("An https:// URL of at most 2,000 characters.")]
    public string? EvidenceUrl { get; init; }
}

public sealed record ReportItem
{
    public required string Description { get; init; }

    [Description("An integer ≥ 1.")]
    public required long Quantity { get; init; }

    public required string Unit { get; init; }
}

[Description("A use-of-funds report as filed; seq is its event in the campaign's verifiable ledger.")]
public sealed record ReportEntry
{
    public required string ReportId { get; init; }
    public required string ProjectId { get; init; }
    public required string CampaignId { get; init; }
    public required DateTimeOffset At { get; init; }
    public required string Title { get; init; }
    public required long Spent { get; init; }
    public required IEnumerable<ReportItem> Items { get; init; }
    public string? EvidenceUrl { get; init; }
    public required long Seq { get; init; }
    public required DateTimeOffset FiledAt { get; init; }
}

[Description("A filing's answer: the report and the project's spent after it.")]
public sealed record ReportFiled
{
    public required string ProjectId { get; init; }
    public required string ReportId { get; init; }
    public required ReportEntry Report { get; init; }
    public required long Spent { get; init; }
}

public sealed record ReportListPage
{
    public required IEnumerable<ReportEntry> Items { get; init; }

    [Description("The cursor of the next page (?after=), null on the last.")]
    public string? Next { get; init; }
}
