using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using CharityDay.Rehearsal.Scenario;

namespace CharityDay.Rehearsal.Run;

/// <summary>A donation as the API answers it (SPEC §4). Only the fields the rehearsal checks.</summary>
public sealed class DonationAnswer
{
    public string? DonationId { get; set; }
    public string? PartnerId { get; set; }
    public string? ProjectId { get; set; }
    public string? DonorId { get; set; }
    public long Amount { get; set; }
    public string? Status { get; set; }
    public DateTimeOffset AcceptedAt { get; set; }
    public DateTimeOffset? RefundedAt { get; set; }
    public List<MatchAnswer> Matches { get; set; } = [];
    public long MatchedTotal { get; set; }
    public bool Replayed { get; set; }
}

public sealed class MatchAnswer
{
    public string? PoolId { get; set; }
    public long Amount { get; set; }
    public int RatioBps { get; set; }
    public bool Reversed { get; set; }
}

public sealed class CampaignAnswer
{
    public long Raised { get; set; }
    public long Matched { get; set; }
    public long DonationCount { get; set; }
    public List<PoolAnswer> Pools { get; set; } = [];
}

public sealed class PoolAnswer
{
    public string? PoolId { get; set; }
    public long Budget { get; set; }
    public long Matched { get; set; }
    public long Remaining { get; set; }
    public bool Paused { get; set; }
}

public sealed class ProjectAnswer
{
    public string? ProjectId { get; set; }
    public long Raised { get; set; }
    public long Matched { get; set; }
    public long DonationCount { get; set; }
    public Dictionary<string, long> ByPartner { get; set; } = [];
    public TotalsAnswer Rollup { get; set; } = new();
}

public sealed class TotalsAnswer
{
    public long Raised { get; set; }
    public long Matched { get; set; }
    public long DonationCount { get; set; }
}

public sealed class ClawbackAnswer
{
    public int MatchesReversed { get; set; }
    public long AmountReturned { get; set; }
}

public sealed class KeyAnswer
{
    public string? KeyId { get; set; }
    public string? Secret { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DonationAnswer))]
[JsonSerializable(typeof(CampaignAnswer))]
[JsonSerializable(typeof(PoolAnswer))]
[JsonSerializable(typeof(ProjectAnswer))]
[JsonSerializable(typeof(ClawbackAnswer))]
[JsonSerializable(typeof(KeyAnswer))]
public sealed partial class WireJson : JsonSerializerContext;

public static class Wire
{
    /// <summary>For the admin bodies (anonymous objects): camelCase, nulls left out.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static T? Parse<T>(byte[] body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return body.Length == 0 ? null : JsonSerializer.Deserialize(body, type);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The body of <c>POST /v1/donations</c> for a planned event, including the deliberately bad ones.</summary>
    public static byte[] DonationBody(PlannedEvent e)
    {
        if (e.Bad == BadKind.Malformed)
        {
            return System.Text.Encoding.UTF8.GetBytes($"{{\"donationId\":\"{e.DonationId}\",\"projectId\":");
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("donationId", e.DonationId);
            json.WriteString("projectId", e.ProjectId);
            json.WriteString("donorId", e.DonorId);
            json.WriteNumber("amount", e.AmountFen);
            json.WriteString("currency", e.Bad == BadKind.WrongCurrency ? "USD" : "CNY");
            json.WriteString("channel", e.Bot ? "scripted" : "app");
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
