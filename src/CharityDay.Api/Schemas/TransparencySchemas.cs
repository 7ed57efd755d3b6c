using System.ComponentModel;
using System.Text.Json;

namespace CharityDay.Api.Schemas;

[Description("Donations, gross raised, refunded and matched (fen) of one export's rows.")]
public sealed record ExportFigures
{
    public required long Count { get; init; }
    public required long Raised { get; init; }
    public required long Refunded { get; init; }
    public required long Matched { get; init; }
}

[Description("The summary of a daily export: the same rows' figures, per partner and in total.")]
public sealed record ExportSummary
{
    public required string CampaignId { get; init; }

    [Description("The campaign-local day, YYYY-MM-DD.")]
    public required string Day { get; init; }

    [Description("By partner id (a partner key sees its own only).")]
    public required IReadOnlyDictionary<string, ExportFigures> ByPartner { get; init; }

    public required ExportFigures Total { get; init; }
}

[Description("One project's matching by one pool on one campaign-local day (fen).")]
public sealed record PoolStatementLine
{
    public required string ProjectId { get; init; }

    [Description("YYYY-MM-DD, campaign-local: matches on the day of acceptance, reversals on the day of the refund or clawback.")]
    public required string Day { get; init; }

    public required long Matched { get; init; }
    public required long Reversed { get; init; }
    public required long Net { get; init; }
}

[Description("A sponsor statement: where a pool's matching went.")]
public sealed record SponsorStatement
{
    public required string PoolId { get; init; }
    public string? Sponsor { get; init; }
    public required long Budget { get; init; }
    public required long Matched { get; init; }
    public required long Remaining { get; init; }
    public required IEnumerable<PoolStatementLine> Rows { get; init; }
}

public sealed record DisclosedPoolMatch
{
    public required string PoolId { get; init; }
    public string? Sponsor { get; init; }
    public required long Matched { get; init; }
}

[Description("One project's line of a campaign's disclosure (fen).")]
public sealed record DisclosedProject
{
    public required string ProjectId { get; init; }
    public string? Name { get; init; }
    public string? Organization { get; init; }
    public string? ParentProjectId { get; init; }
    public required long Raised { get; init; }
    public required long Matched { get; init; }
    public required IEnumerable<DisclosedPoolMatch> MatchedByPool { get; init; }

    [Description("Matched by sponsor name.")]
    public required IReadOnlyDictionary<string, long> MatchedBySponsor { get; init; }

    public required long Refunded { get; init; }
    public required long DonationCount { get; init; }

    [Description("Raised by partner id.")]
    public required IReadOnlyDictionary<string, long> ByPartner { get; init; }

    [Description("What the project reported spending (use-of-funds reports, SPEC §6).")]
    public required long Spent { get; init; }

    public required long ReportCount { get; init; }
}

[Description("One pool's line of a campaign's disclosure (fen).")]
public sealed record DisclosedPool
{
    public required string PoolId { get; init; }
    public string? Sponsor { get; init; }
    public required long Budget { get; init; }
    public required long Matched { get; init; }
    public required long Remaining { get; init; }
}

[Description("A sealed ledger checkpoint as the disclosure lists it (sealedAt RFC 3339 UTC, milliseconds).")]
public sealed record DisclosedCheckpoint
{
    public required long Seq { get; init; }
    public required long FirstEvent { get; init; }
    public required long LastEvent { get; init; }
    public required long Count { get; init; }
    public required string Root { get; init; }
    public required string PrevHash { get; init; }
    public required string Hash { get; init; }
    public required string SealedAt { get; init; }
}

[Description("A campaign's public disclosure (SPEC §6): every fen from the ledger, names and budgets from the public snapshot.")]
public sealed record CampaignDisclosureView
{
    public required string CampaignId { get; init; }
    public string? Name { get; init; }

    [Description("Complete up to this instant (RFC 3339 UTC, milliseconds); also the CharityDay-Snapshot-At header.")]
    public required string AsOf { get; init; }

    public required long Raised { get; init; }
    public required long Matched { get; init; }

    [Description("Use-of-funds reports' spending, all projects (SPEC §6).")]
    public required long Spent { get; init; }

    public required long Refunded { get; init; }
    public required long DonationCount { get; init; }
    public required IEnumerable<DisclosedProject> Projects { get; init; }
    public required IEnumerable<DisclosedPool> Pools { get; init; }
    public required IEnumerable<DisclosedCheckpoint> Checkpoints { get; init; }
}

[Description("A sealed ledger checkpoint: the Merkle root of events firstEvent..lastEvent, chained by prevHash.")]
public sealed record CheckpointRow
{
    public required long Seq { get; init; }
    public required long FirstEvent { get; init; }
    public required long LastEvent { get; init; }
    public required long Count { get; init; }
    public required string Root { get; init; }
    public required string PrevHash { get; init; }
    public required string Hash { get; init; }
    public required DateTimeOffset SealedAt { get; init; }
}

[Description("A page of a campaign's checkpoints, oldest first.")]
public sealed record CheckpointList
{
    public required IEnumerable<CheckpointRow> Items { get; init; }

    [Description("The cursor of the next page (pass it as ?after=), null on the last page.")]
    public string? Next { get; init; }
}

[Description("A donation's receipt (SPEC §6): its acceptance event as stored, and the RFC 6962 audit path to a sealed checkpoint's root.")]
public sealed record DonationReceipt
{
    [Description("The acceptance event exactly as stored (canonical JSON): hash it to check leafHash.")]
    public required JsonElement Event { get; init; }

    public required string LeafHash { get; init; }

    [Description("The checkpoint's seq.")]
    public required long Checkpoint { get; init; }

    public required long Index { get; init; }
    public required long Count { get; init; }
    public required IReadOnlyList<string> Path { get; init; }
    public required string Root { get; init; }
}
