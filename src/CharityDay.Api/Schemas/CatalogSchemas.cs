using System.ComponentModel;

namespace CharityDay.Api.Schemas;

[Description("Create or replace a campaign.")]
public sealed record CampaignBody
{
    public required string Name { get; init; }

    [Description("IANA time zone; default Asia/Shanghai.")]
    public string? TimeZone { get; init; }

    public DateTimeOffset? StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }
}

[Description("A campaign's settings as last written (ETag over them).")]
public sealed record CampaignSettingsView
{
    public required string CampaignId { get; init; }
    public required string Name { get; init; }
    public required string TimeZone { get; init; }
    public DateTimeOffset? StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }
}

[Description("Create or replace a project.")]
public sealed record ProjectBody
{
    public required string CampaignId { get; init; }
    public required string Name { get; init; }
    public string? Organization { get; init; }

    [Description("Joint fundraising: the parent rolls up this project's totals.")]
    public string? ParentProjectId { get; init; }

    [Description("Fen.")]
    public long? Goal { get; init; }

    [Description("open (default) or closed.")]
    public string? Status { get; init; }
}

public sealed record ProjectSettingsView
{
    public required string ProjectId { get; init; }
    public required string CampaignId { get; init; }
    public required string Name { get; init; }
    public string? Organization { get; init; }
    public string? ParentProjectId { get; init; }
    public long? Goal { get; init; }
    public required string Status { get; init; }
}

public sealed record CampaignPage
{
    public required IReadOnlyList<CampaignSettingsView> Items { get; init; }

    [Description("The cursor for ?after= of the next page; null on the last page.")]
    public string? Next { get; init; }
}

public sealed record ProjectPage
{
    public required IReadOnlyList<ProjectSettingsView> Items { get; init; }
    public string? Next { get; init; }
}

public sealed record Placement
{
    public required string CampaignId { get; init; }

    [Description("The silo that runs the campaign's write path.")]
    public string? Silo { get; init; }
}
