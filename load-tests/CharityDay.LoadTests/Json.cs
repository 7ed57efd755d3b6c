using System.Text.Json;
using System.Text.Json.Serialization;

namespace CharityDay.LoadTests;

// Wire shapes of SPEC §4. Only the fields the benchmark sends or reads are declared.

/// <summary>A person's gift, or a merchant's (SPEC §7: merchantId + orderCount instead of donorId; nulls are not sent).</summary>
internal sealed record DonationRequest(string DonationId, string ProjectId, string? DonorId, long Amount, string? MerchantId = null, int? OrderCount = null)
{
    /// <summary>The id the per-donor checks key on: the person's, or the merchant's (merchant ids are numbered after the donors'). Not sent.</summary>
    [JsonIgnore]
    public string Giver => MerchantId ?? DonorId ?? "";
}

internal sealed record BatchRequest(IReadOnlyList<DonationRequest> Donations);

internal sealed class DonationResponse
{
    public string? DonationId { get; set; }
    public string? DonorId { get; set; }
    public long Amount { get; set; }
    public long MatchedTotal { get; set; }
    public bool Replayed { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }
    public List<MatchResponse>? Matches { get; set; }
}

internal sealed class MatchResponse
{
    public string? PoolId { get; set; }
    public long Amount { get; set; }
    public int RatioBps { get; set; }
    public bool Reversed { get; set; }
}

internal sealed class BatchResponse
{
    public List<BatchItemResult>? Results { get; set; }
}

internal sealed class BatchItemResult
{
    public int Index { get; set; }
    public JsonElement Status { get; set; }
    public DonationResponse? Donation { get; set; }
    public JsonElement? Error { get; set; }
}

internal sealed record CampaignPut(string Name, string TimeZone);

internal sealed record ProjectPut(string CampaignId, string Name, string Organization, string Status, string? ParentProjectId = null);

internal sealed record PoolPut(
    string CampaignId,
    string Sponsor,
    long Budget,
    int RatioBps,
    long? PerDonorDailyCap,
    int Priority,
    bool Paused,
    long? PerDonationCap = null,
    bool MerchantGifts = true);

// RateLimit: the bench measures the system, not a partner's limit; without it the default partner
// limit (2,000 donations/s, SPEC §4) would throttle every run. 10,000,000 is the API's highest.
internal sealed record PartnerPut(string Name, int RateLimit = PartnerPut.Unlimited)
{
    public const int Unlimited = 10_000_000;
}

internal sealed record KeyCreate(string Role, string PartnerId);

internal sealed class KeyCreated
{
    public string? KeyId { get; set; }
    public string? Secret { get; set; }
}

internal sealed class CampaignRead
{
    public string? CampaignId { get; set; }
    public long Raised { get; set; }
    public long Matched { get; set; }
    public long DonationCount { get; set; }
    public List<PoolRead>? Pools { get; set; }
}

internal sealed class PoolRead
{
    public string? PoolId { get; set; }
    public long Budget { get; set; }
    public long Matched { get; set; }
    public long Remaining { get; set; }
    public bool Paused { get; set; }
    public int? RatioBps { get; set; }
}

/// <summary>The fields scenario e changes live: <c>paused</c>, <c>budgetDelta</c>, <c>ratioBps</c> (absent = unchanged).</summary>
internal sealed record PoolPatch(bool? Paused = null, long? BudgetDelta = null, int? RatioBps = null);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(DonationRequest))]
[JsonSerializable(typeof(BatchRequest))]
[JsonSerializable(typeof(DonationResponse))]
[JsonSerializable(typeof(BatchResponse))]
[JsonSerializable(typeof(CampaignPut))]
[JsonSerializable(typeof(ProjectPut))]
[JsonSerializable(typeof(PoolPut))]
[JsonSerializable(typeof(PartnerPut))]
[JsonSerializable(typeof(KeyCreate))]
[JsonSerializable(typeof(KeyCreated))]
[JsonSerializable(typeof(CampaignRead))]
[JsonSerializable(typeof(PoolRead))]
[JsonSerializable(typeof(PoolPatch))]
internal sealed partial class WireJson : JsonSerializerContext;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true)]
[JsonSerializable(typeof(BenchReport))]
internal sealed partial class ReportJson : JsonSerializerContext;
