namespace CharityDay.Domain.Reports;

/// <summary>
/// SPEC §6 "Use of funds": a project's total <c>spent</c> stays in [0, raised + matched], both net of
/// refunds and reversed matches. The one rule, asked in three places under the campaign's write lock:
/// a report (does the new total fit?), a refund and a clawback (does what the project keeps still
/// cover what it has already reported spent?). A refusal changes nothing.
/// </summary>
public static class SpentBound
{
    /// <summary>What the project's fundraising brought it: the ceiling of its spent.</summary>
    public static long Available(long raisedFen, long matchedFen) => raisedFen + matchedFen;

    /// <summary>Whether a report of <paramref name="deltaFen"/> keeps the total in bounds; the new total when it does.</summary>
    public static bool TryReport(long spentFen, long deltaFen, long availableFen, out long newSpentFen)
    {
        newSpentFen = spentFen + deltaFen;
        // Reports are at most ±10^15 fen (the API's bound), so the sum cannot overflow.
        return newSpentFen >= 0 && newSpentFen <= availableFen;
    }

    /// <summary>Whether the project may lose <paramref name="lossFen"/> of raised + matched (a refund, a clawback) and still cover its spent.</summary>
    public static bool AllowsLoss(long spentFen, long availableFen, long lossFen) => availableFen - lossFen >= spentFen;
}
