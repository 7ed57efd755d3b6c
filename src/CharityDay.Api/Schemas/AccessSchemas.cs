using System.ComponentModel;
using System.Text.Json;

namespace CharityDay.Api.Schemas;

public sealed record PartnerBody
{
    public required string Name { get; init; }

    [Description("Donations per second; absent: the configured default.")]
    public int? RateLimit { get; init; }
}

public sealed record PartnerView
{
    public required string PartnerId { get; init; }
    public required string Name { get; init; }
    public int? RateLimit { get; init; }
}

public sealed record PartnerPage
{
    public required IReadOnlyList<PartnerView> Items { get; init; }
    public string? Next { get; init; }
}

public sealed record KeyBody
{
    [Description("partner, manager or viewer.")]
    public required string Role { get; init; }

    [Description("Required for a partner key, and only for one.")]
    public string? PartnerId { get; init; }

    [Description("Limits a manager key to these campaigns; absent: all.")]
    public IReadOnlyList<string>? CampaignIds { get; init; }
}

[Description("A new key. The secret is shown only in this first answer (null in a replay).")]
public sealed record CreatedKey
{
    public required string KeyId { get; init; }
    public string? Secret { get; init; }
    public required string Role { get; init; }
    public string? PartnerId { get; init; }
    public IReadOnlyList<string>? CampaignIds { get; init; }
}

[Description("A key, never its secret.")]
public sealed record KeyView
{
    public required string KeyId { get; init; }
    public required string Role { get; init; }
    public string? PartnerId { get; init; }
    public IReadOnlyList<string>? CampaignIds { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    [Description("Null until first use, but present.")]
    public DateTimeOffset? LastUsedAt { get; init; }

    public required bool Revoked { get; init; }
}

public sealed record KeyPage
{
    public required IReadOnlyList<KeyView> Items { get; init; }
    public string? Next { get; init; }
}

[Description("One admin change, chained: hash = hex SHA-256(prevHash + \"\\n\" + RFC 8785 JSON of the entry without hash).")]
public sealed record AuditEntry
{
    public required long Seq { get; init; }
    public required DateTimeOffset At { get; init; }
    public required string KeyId { get; init; }
    public required string Action { get; init; }
    public required string Target { get; init; }
    public string? CampaignId { get; init; }
    public JsonElement? Before { get; init; }
    public JsonElement? After { get; init; }
    public required string PrevHash { get; init; }
    public required string Hash { get; init; }
}

public sealed record AuditPage
{
    public required IReadOnlyList<AuditEntry> Items { get; init; }
    public string? Next { get; init; }
}

public sealed record AuditHead
{
    public required long Seq { get; init; }
    public required string Hash { get; init; }
}
