namespace CharityDay.Domain.Writing;

/// <summary>Donors whose day a batch needs from the ledger: their matches on <paramref name="Day"/> by any of <paramref name="PoolIds"/>.</summary>
public sealed record DonorLoad(DateOnly Day, IReadOnlyList<DonorKey> Donors, IReadOnlyList<string> PoolIds);

/// <summary>The ledger's live matches of one donor by one pool on one day, summed.</summary>
public readonly record struct DonorDayRow(string PoolId, DonorKey Donor, long MatchedFen, int MatchCount);
