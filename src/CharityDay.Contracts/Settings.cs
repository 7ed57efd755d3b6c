namespace CharityDay.Contracts;

// Wire and storage records. Every member carries its serializer field id explicitly, so reordering
// parameters never changes what a stored or in-flight message means: new members take new ids.

[GenerateSerializer, Immutable, Alias("cd.CampaignSettings")]
public sealed record CampaignSettings(
    [property: Id(0)] string CampaignId,
    [property: Id(1)] string Name,
    [property: Id(2)] string TimeZone,
    [property: Id(3)] DateTimeOffset? StartsAt,
    [property: Id(4)] DateTimeOffset? EndsAt);

[GenerateSerializer, Immutable, Alias("cd.ProjectSettings")]
public sealed record ProjectSettings(
    [property: Id(0)] string ProjectId,
    [property: Id(1)] string CampaignId,
    [property: Id(2)] string Name,
    [property: Id(3)] string? Organization,
    [property: Id(4)] string? ParentProjectId,
    [property: Id(5)] long? GoalFen,
    [property: Id(6)] string Status)
{
    public bool IsOpen => Status == ProjectStatus.Open;
}

public static class ProjectStatus
{
    public const string Open = "open";
    public const string Closed = "closed";
}

[GenerateSerializer, Immutable, Alias("cd.RatioRangeSettings")]
public sealed record RatioRangeSettings([property: Id(0)] int Min, [property: Id(1)] int Max);

[GenerateSerializer, Immutable, Alias("cd.PoolSettings")]
/// <remarks>
/// <c>Seed</c>: the random-ratio draws' secret (SPEC §3), 32 random bytes as hex, made when the pool is
/// created and kept with its settings in the ledger's database; never in an answer, the audit log or a log line.
/// </remarks>
public sealed record PoolSettings(
    [property: Id(0)] string PoolId,
    [property: Id(1)] string CampaignId,
    [property: Id(2)] string Sponsor,
    [property: Id(3)] long BudgetFen,
    [property: Id(4)] int? RatioBps,
    [property: Id(5)] RatioRangeSettings? RandomRatioBps,
    [property: Id(6)] long? PerDonationCapFen,
    [property: Id(7)] long? PerDonorDailyCapFen,
    [property: Id(8)] int? PerDonorDailyCount,
    [property: Id(9)] int? PerDonorMinuteCount,
    [property: Id(10)] long? PerProjectCapFen,
    [property: Id(11)] long? DailyBudgetFen,
    [property: Id(12)] string? DailyOpensAt,
    [property: Id(13)] long? MinDonationFen,
    [property: Id(14)] IReadOnlyList<string>? ProjectIds,
    [property: Id(15)] DateTimeOffset? StartsAt,
    [property: Id(16)] DateTimeOffset? EndsAt,
    [property: Id(17)] int Priority,
    [property: Id(18)] bool Paused,
    [property: Id(19)] string? Seed = null,
    [property: Id(20)] bool PledgesOnly = false,
    [property: Id(21)] bool FirstChargeOnly = false,
    [property: Id(22)] string? PointsProgram = null,
    [property: Id(23)] long? FenPer1000Points = null,
    [property: Id(24)] bool MerchantGifts = false)
{
    /// <summary>A manager may read the seed (and so recompute every draw) once the pool's window has ended.</summary>
    public bool SeedRevealable(DateTimeOffset now) => EndsAt is { } ends && now >= ends;
}

[GenerateSerializer, Immutable, Alias("cd.PartnerSettings")]
public sealed record PartnerSettings(
    [property: Id(0)] string PartnerId,
    [property: Id(1)] string Name,
    [property: Id(2)] int? RateLimitPerSecond);

[GenerateSerializer, Immutable, Alias("cd.ApiKeyRecord")]
public sealed record ApiKeyRecord(
    [property: Id(0)] string KeyId,
    [property: Id(1)] string SecretHash,
    [property: Id(2)] string Role,
    [property: Id(3)] string? PartnerId,
    [property: Id(4)] IReadOnlyList<string>? CampaignIds,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] bool Revoked);

public static class Roles
{
    public const string Partner = "partner";
    public const string Manager = "manager";
    public const string Viewer = "viewer";
}
