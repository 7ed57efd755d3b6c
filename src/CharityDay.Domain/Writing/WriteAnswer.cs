namespace CharityDay.Domain.Writing;

/// <summary>How the write path decided one posted donation.</summary>
public enum WriteResult
{
    Created,
    Replayed,
    Conflict,
    ProjectNotFound,
    ProjectClosed,
    /// <summary>Nothing was recorded: the caller may retry with the same id.</summary>
    Failed,
    /// <summary>SPEC §7: the pledge is unknown or cancelled, or the gift's project, donor or amount differ from it (422).</summary>
    PledgeNotAllowed,

    /// <summary>SPEC §7: the pledge was already charged in this campaign-local month (409).</summary>
    PledgeAlreadyCharged,

    /// <summary>SPEC §7: no conversion pool of the programme could pay a fen for the points (422, nothing recorded).</summary>
    PointsNotConvertible,

    /// <summary>The queue was full: shed at once, nothing was recorded.</summary>
    Overloaded,
}

/// <summary>An answer owed to one caller; given only once the row it names is durable.</summary>
/// <param name="Row">The committed row (created, replayed), else null.</param>
/// <param name="Detail">Why it failed, as the I/O layer described it; null otherwise.</param>
public sealed record WriteAnswer<TRequest, TRow>(TRequest Request, WriteResult Result, TRow? Row, string? Detail = null)
    where TRow : class;
