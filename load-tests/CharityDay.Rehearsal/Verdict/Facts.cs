using CharityDay.Rehearsal.Run;
using CharityDay.Rehearsal.Scenario;

namespace CharityDay.Rehearsal.Verdict;

/// <summary>An acknowledged donation as the API described it in its answer (matches net of nothing: as given).</summary>
/// <param name="SentMicros">First send on the run clock; -1 when only a lookup after the run knows it.</param>
public sealed record DonationFact(
    string PartnerId,
    string DonationId,
    string ProjectId,
    string DonorId,
    long AmountFen,
    DateTimeOffset AcceptedAt,
    IReadOnlyDictionary<string, long> Matches,
    bool Bot = false,
    long SentMicros = -1,
    long AnsweredMicros = -1)
{
    public string Key => DonationKey(PartnerId, DonationId);

    public static string DonationKey(string partnerId, string donationId) => partnerId + "/" + donationId;

    public static DonationFact From(DonationAnswer a, bool bot = false, long sentMicros = -1, long answeredMicros = -1) => new(
        a.PartnerId ?? "", a.DonationId ?? "", a.ProjectId ?? "", a.DonorId ?? "", a.Amount, a.AcceptedAt,
        a.Matches.Where(m => !m.Reversed && m.Amount != 0).GroupBy(m => m.PoolId ?? "").ToDictionary(g => g.Key, g => g.Sum(m => m.Amount), StringComparer.Ordinal),
        bot, sentMicros, answeredMicros);
}

/// <summary>A refund the API acknowledged; <paramref name="Second"/> is the answer to refunding it again, if the partner did.</summary>
public sealed record RefundFact(string PartnerId, string DonationId, string? Status, DateTimeOffset? RefundedAt, RefundAgain? Second = null)
{
    public string Key => DonationFact.DonationKey(PartnerId, DonationId);
}

public sealed record RefundAgain(int HttpStatus, string? Status, DateTimeOffset? RefundedAt);

/// <summary>The same donation posted again: the answer must be flagged replayed and describe the same donation.</summary>
public sealed record ReplayFact(string Why, DonationFact Original, DonationFact Replay, bool ReplayedFlag);

/// <summary>A deliberately bad request and what the API answered.</summary>
public sealed record BadFact(BadKind Kind, int ExpectedStatus, int ActualStatus, bool ProblemJson, bool Accepted);

/// <summary>A pool as the rehearsal set it up and changed it (client clock for the windows, wall clock for budget changes).</summary>
/// <param name="MatchingSinceMicros">From then on (client clock) the pool was never paused: the last resume was acknowledged.</param>
public sealed record PoolFact(
    string PoolId,
    PoolPlan Plan,
    IReadOnlyList<(DateTimeOffset At, long DeltaFen)> BudgetChanges,
    IReadOnlyList<(long FromMicros, long ToMicros)> PausedWindows,
    IReadOnlyList<ClawbackFact> Clawbacks,
    long MatchingSinceMicros = 0)
{
    public long FinalBudgetFen => Plan.BudgetFen + BudgetChanges.Sum(c => c.DeltaFen);
}

public sealed record ClawbackFact(string DonorId, DateTimeOffset At, long ReturnedFen);

/// <summary>Everything the rehearsal knows from the answers it got: what the verdict holds the server to.</summary>
public sealed record VerdictInput(
    IReadOnlyList<DonationFact> Acknowledged,
    IReadOnlyList<RefundFact> Refunds,
    IReadOnlyList<ReplayFact> Replays,
    IReadOnlyList<BadFact> BadRequests,
    IReadOnlyList<(string PartnerId, string DonationId)> MustBeAbsent,
    IReadOnlyList<PoolFact> Pools,
    IReadOnlyDictionary<string, string?> ParentOf,
    long StillUnknown,
    string TimeZone = "Asia/Shanghai");

/// <summary>What the API shows after the run. A donation mapped to null answered 404.</summary>
public sealed record ServerView(
    CampaignAnswer? Campaign,
    IReadOnlyDictionary<string, PoolAnswer> Pools,
    IReadOnlyDictionary<string, ProjectAnswer> Projects,
    IReadOnlyDictionary<string, DonationAnswer?> Donations,
    IReadOnlyDictionary<string, int> AbsentStatuses);
