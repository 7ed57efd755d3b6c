namespace CharityDay.Contracts;

public static class PledgeStatus
{
    public const string Active = "active";
    public const string Cancelled = "cancelled";
}

/// <summary>A monthly pledge (SPEC §7) as its partner set it.</summary>
[GenerateSerializer, Immutable, Alias("cd.PledgeSettings")]
public sealed record PledgeSettings(
    [property: Id(0)] string PartnerId,
    [property: Id(1)] string PledgeId,
    [property: Id(2)] string ProjectId,
    [property: Id(3)] string DonorId,
    [property: Id(4)] long AmountFen,
    [property: Id(5)] int DayOfMonth,
    [property: Id(6)] string Status = PledgeStatus.Active,
    [property: Id(7)] DateTimeOffset? CreatedAt = null,
    [property: Id(8)] DateTimeOffset? CancelledAt = null,
    [property: Id(9)] string? CampaignId = null);

public enum PledgeResult
{
    Created,
    Replaced,

    /// <summary>The same terms again, or a cancel of a cancelled pledge: nothing changed.</summary>
    Unchanged,
    Cancelled,
    NotFound,
    ProjectNotFound,
    ProjectClosed,

    /// <summary>The pledge is cancelled, or belongs to another campaign: it cannot be changed so.</summary>
    Conflict,
}

[GenerateSerializer, Immutable, Alias("cd.PledgeOutcome")]
public sealed record PledgeOutcome([property: Id(0)] PledgeResult Result, [property: Id(1)] PledgeSettings? Pledge, [property: Id(2)] string? Detail = null);
