using CharityDay.Domain.Matching;

namespace CharityDay.Domain.Tests.Matching.Simulation;

/// <summary>A partner's donation as the campaign's write path receives it; CallId names the caller waiting for the answer.</summary>
internal sealed record DonationRequest(int CallId, DonationKey Key, string DonorId, string ProjectId, long AmountFen)
{
    /// <summary>Same payload = same donation (SPEC §2); anything else under the same id is a conflict.</summary>
    public bool SamePayload(LedgerRow row) => row.DonorId == DonorId && row.ProjectId == ProjectId && row.AmountFen == AmountFen;

    public override string ToString() => $"#{CallId} {Key.PartnerId}/{Key.DonationId} {DonorId}->{ProjectId} {AmountFen}";
}

/// <summary>A request that needs the write lock, so waits for the batch in flight.</summary>
internal abstract record AdminRequest(int CallId);

/// <summary>
/// The campaign's half of a PATCH: the pool grain has already persisted <paramref name="Rules"/>;
/// the PATCH answers once the write path applied them.
/// </summary>
internal sealed record PoolChangeRequest(int CallId, PoolRules Rules) : AdminRequest(CallId);

/// <param name="WriteFails">The ledger transaction will fail (connection lost, disk full).</param>
internal sealed record RefundRequest(int CallId, DonationKey Key, bool WriteFails) : AdminRequest(CallId);

internal sealed record ClawbackRequest(int CallId, string PoolId, string DonorId, bool WriteFails) : AdminRequest(CallId);

internal enum DonationResult
{
    Created,
    Replayed,
    Conflict,
    Failed,
    Overloaded,
}

internal enum AdminResult
{
    Applied,
    NotFound,
    AlreadyRefunded,
    Failed,
}

/// <summary>What a caller is told. A caller whose silo died is told nothing: the world marks it lost.</summary>
internal abstract record Answer(int CallId);

/// <param name="Donation">The donation as committed (created, replayed), else null.</param>
internal sealed record DonationAnswer(int CallId, DonationResult Result, LedgerRow? Donation) : Answer(CallId);

/// <param name="Reversed">The matches a refund or clawback gave back to their pools.</param>
internal sealed record AdminAnswer(int CallId, AdminResult Result, IReadOnlyList<MatchRecord> Reversed) : Answer(CallId)
{
    public override string ToString() =>
        $"#{CallId} {Result}{(Reversed.Count == 0 ? "" : $", reversed [{string.Join(", ", Reversed.Select(m => $"{m.PoolId}:{m.ProjectId}:{m.Donor.PartnerId}/{m.Donor.DonorId}:{m.Day}:{m.AmountFen}"))}]")}";
}
