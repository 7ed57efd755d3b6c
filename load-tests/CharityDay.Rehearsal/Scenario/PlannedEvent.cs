namespace CharityDay.Rehearsal.Scenario;

public enum EventKind
{
    /// <summary>A new donation (possibly sent first by an impatient gateway that times out).</summary>
    Donate,

    /// <summary>The partner lost the answer and posts the same donation again: it must come back replayed and identical.</summary>
    Redeliver,

    /// <summary>The partner refunds an earlier donation (payment reversed).</summary>
    Refund,

    /// <summary>A request the API must refuse (<see cref="BadKind"/>).</summary>
    Bad,
}

public enum BadKind
{
    None,
    UnknownProject,
    ClosedProject,
    ZeroAmount,
    TooLarge,
    WrongCurrency,
    Malformed,
    InvalidDonationId,
    BadKey,
    Conflict,
}

/// <summary>One planned request, sent <see cref="OffsetMicros"/> after the start of the day.</summary>
/// <param name="RefersTo">For a redelivery, a refund or a conflict: the index of the donation it is about.</param>
/// <param name="ImpatientMs">When positive, the first attempt is abandoned after this long and retried with the same payload.</param>
public sealed record PlannedEvent(
    int Index,
    long OffsetMicros,
    EventKind Kind,
    int Partner,
    string DonationId,
    string ProjectId,
    string DonorId,
    long AmountFen,
    int RefersTo = -1,
    BadKind Bad = BadKind.None,
    int ImpatientMs = 0,
    bool Bot = false)
{
    /// <summary>The status the API must answer to a bad request.</summary>
    public static int ExpectedStatus(BadKind bad) => bad switch
    {
        BadKind.UnknownProject => 404,
        BadKind.ClosedProject or BadKind.WrongCurrency => 422,
        BadKind.BadKey => 401,
        BadKind.Conflict => 409,
        _ => 400,
    };

    /// <summary>Bad requests that carry a valid id of their own: afterwards it must be unknown to the API.</summary>
    public bool MustLeaveNoTrace => Kind == EventKind.Bad && Bad is not (BadKind.Malformed or BadKind.InvalidDonationId or BadKind.Conflict);
}

public enum ManagerActionKind
{
    /// <summary>The opening tranche's pool starts paused and is resumed at the opening second.</summary>
    OpenTranche,
    TopUp,
    Pause,
    Resume,
    Clawback,
}

/// <summary>A campaign manager's live change to a pool during the run.</summary>
public sealed record ManagerAction(long OffsetMicros, ManagerActionKind Kind, string PoolKey, long AmountFen, IReadOnlyList<string> DonorIds)
{
    public string Describe() => Kind switch
    {
        ManagerActionKind.OpenTranche => $"open the {PoolKey} tranche",
        ManagerActionKind.TopUp => $"top up {PoolKey} by {AmountFen / 100:N0} yuan",
        ManagerActionKind.Pause => $"pause {PoolKey}",
        ManagerActionKind.Resume => $"resume {PoolKey}",
        _ => $"claw back {DonorIds.Count} scripted donors on {PoolKey}",
    };
}
