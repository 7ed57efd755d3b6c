namespace CharityDay.Contracts;

// Wire and storage records. Positional records get their serializer field ids from parameter
// order (Orleans' IncludePrimaryConstructorParameters): append new parameters at the end only.

[GenerateSerializer, Immutable, Alias("cd.CampaignSettings")]
public sealed record CampaignSettings(string CampaignId, string Name, string TimeZone, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt);

[GenerateSerializer, Immutable, Alias("cd.ProjectSettings")]
public sealed record ProjectSettings(
    string ProjectId,
    string CampaignId,
    string Name,
    string? Organization,
    string? ParentProjectId,
    long? GoalFen,
    string Status)
{
    public bool IsOpen => Status == ProjectStatus.Open;
}

public static class ProjectStatus
{
    public const string Open = "open";
    public const string Closed = "closed";
}

[GenerateSerializer, Immutable, Alias("cd.RatioRangeSettings")]
public sealed record RatioRangeSettings(int Min, int Max);

[GenerateSerializer, Immutable, Alias("cd.PoolSettings")]
public sealed record PoolSettings(
    string PoolId,
    string CampaignId,
    string Sponsor,
    long BudgetFen,
    int? RatioBps,
    RatioRangeSettings? RandomRatioBps,
    long? PerDonationCapFen,
    long? PerDonorDailyCapFen,
    int? PerDonorDailyCount,
    int? PerDonorMinuteCount,
    long? PerProjectCapFen,
    long? DailyBudgetFen,
    string? DailyOpensAt,
    long? MinDonationFen,
    IReadOnlyList<string>? ProjectIds,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    int Priority,
    bool Paused);

[GenerateSerializer, Immutable, Alias("cd.PartnerSettings")]
public sealed record PartnerSettings(string PartnerId, string Name, int? RateLimitPerSecond);

[GenerateSerializer, Immutable, Alias("cd.ApiKeyRecord")]
public sealed record ApiKeyRecord(
    string KeyId,
    string SecretHash,
    string Role,
    string? PartnerId,
    IReadOnlyList<string>? CampaignIds,
    DateTimeOffset CreatedAt,
    bool Revoked);

public static class Roles
{
    public const string Partner = "partner";
    public const string Manager = "manager";
    public const string Viewer = "viewer";
}

/// <summary>An admin change as the audit log records it.</summary>
[GenerateSerializer, Immutable, Alias("cd.Change`1")]
public sealed record Change<T>(T? Before, T After);
