using System.Text.Json.Serialization;

namespace CharityDay.Baselines;

// The slice of SPEC §4 that the load generator (load-tests/CharityDay.LoadTests) uses.

/// <summary>A person's gift (donorId) or a merchant's (merchantId + orderCount, SPEC §7): the merchant is then the donor.</summary>
internal sealed record DonationIn(string? DonationId, string? ProjectId, string? DonorId, long? Amount, string? Currency, string? MerchantId = null, int? OrderCount = null)
{
    /// <summary>The donor the caps count: the person, or the merchant behind a character no person's id holds.</summary>
    public string? Donor => MerchantId is { } merchant ? "merchant/" + merchant : DonorId;
}

internal sealed record BatchIn(List<DonationIn>? Donations);

internal sealed record MatchOut(string PoolId, long Amount, int RatioBps);

internal sealed record DonationOut(
    string DonationId, string PartnerId, string ProjectId, string CampaignId, string DonorId, long Amount, string Status,
    DateTimeOffset AcceptedAt, IReadOnlyList<MatchOut> Matches, long MatchedTotal, bool Replayed);

internal sealed record Problem(string Type, string Title, int Status, string? Detail);

internal sealed record BatchItemOut(int Index, int Status, DonationOut? Donation, Problem? Error);

internal sealed record BatchOut(IReadOnlyList<BatchItemOut> Results);

internal sealed record CampaignIn(string? Name, string? TimeZone);

internal sealed record ProjectIn(string? CampaignId, string? Name, string? Status);

internal sealed record PoolIn(string? CampaignId, long? Budget, int? RatioBps, long? PerDonorDailyCap, int? Priority, bool? Paused, long? BudgetDelta);

internal sealed record PoolOut(string PoolId, string CampaignId, long Budget, long Matched, long Remaining, int RatioBps, long? PerDonorDailyCap, bool Paused);

internal sealed record CampaignOut(string CampaignId, long Raised, long Matched, long DonationCount);

internal sealed record KeyIn(string? Role, string? PartnerId);

internal sealed record KeyOut(string KeyId, string Secret, string Role, string? PartnerId);

internal sealed record Ok(bool Done);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DonationIn))]
[JsonSerializable(typeof(BatchIn))]
[JsonSerializable(typeof(DonationOut))]
[JsonSerializable(typeof(Problem))]
[JsonSerializable(typeof(BatchOut))]
[JsonSerializable(typeof(CampaignIn))]
[JsonSerializable(typeof(ProjectIn))]
[JsonSerializable(typeof(PoolIn))]
[JsonSerializable(typeof(PoolOut))]
[JsonSerializable(typeof(CampaignOut))]
[JsonSerializable(typeof(KeyIn))]
[JsonSerializable(typeof(KeyOut))]
[JsonSerializable(typeof(Ok))]
internal sealed partial class Wire : JsonSerializerContext;
