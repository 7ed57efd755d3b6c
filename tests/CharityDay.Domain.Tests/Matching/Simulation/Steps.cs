using CharityDay.Domain.Tests.Matching.Model;

namespace CharityDay.Domain.Tests.Matching.Simulation;

/// <summary>One step of a simulated campaign day, as the driver chose it; a failing run prints them all.</summary>
internal abstract record Step;

/// <summary>Partners post donations; <paramref name="Why"/> says whether they are new, retries or conflicting retries.</summary>
internal sealed record ArriveStep(IReadOnlyList<DonationRequest> Donations, string Why) : Step
{
    public override string ToString() => $"arrive ({Why}): {string.Join("; ", Donations)}";
}

/// <summary>
/// The flush loop takes the lock and matches the queued donations, up to its batch size; with a
/// commit in flight the batch waits, matched, behind it (the pipeline), else its commit starts.
/// <paramref name="DuringLookup"/>: the commit in flight ends while the batch's ids are looked up.
/// </summary>
internal sealed record CutStep(CommitEnd DuringLookup = CommitEnd.None) : Step;

internal enum CommitEnd
{
    None,
    Commits,
    Fails,
}

internal sealed record CommitStep : Step;

/// <summary>
/// The ledger transaction in flight fails: its callers get 503 — or, refused on a duplicate key,
/// are decided again — the book goes stale, and the batch matched behind it goes back to the queue.
/// </summary>
internal sealed record FailCommitStep(bool DuplicateKey) : Step;

/// <summary>The silo dies; with a batch in flight, its transaction may have landed just before (a batch matched behind it never does).</summary>
internal sealed record SiloDeathStep(bool CommitLanded) : Step;

/// <summary>A manager's PATCH of one pool, read by <see cref="SimCampaign.Patch"/>.</summary>
internal sealed record PatchStep(int CallId, string PoolId, PoolChange Kind, long Value) : Step;

internal sealed record RefundStep(int CallId, DonationKey Key, bool WriteFails) : Step;

internal sealed record ClawbackStep(int CallId, string PoolId, string DonorId, bool WriteFails) : Step;

internal sealed record AdvanceStep(long Ms) : Step;

/// <summary>
/// The clock moves to the next instant where a rule flips — local midnight (a new day's tranche),
/// a daily opening, a window's edge — or to one millisecond before it.
/// </summary>
internal sealed record BoundaryStep(bool JustBefore) : Step;

/// <summary>Someone reads the campaign's totals; a stale book is rebuilt first.</summary>
internal sealed record ReadStep : Step;
