using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace CharityDay.Domain.Audit;

/// <summary>
/// SPEC §4's tamper-evident audit log: <c>hash</c> = lowercase hex SHA-256 of
/// (<c>prevHash</c> + "\n" + the entry without <c>hash</c>, <c>prevHash</c> included, in RFC 8785 JSON).
/// </summary>
public static class AuditChain
{
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>The entry as the API shows it, without its hash: the bytes the hash covers.</summary>
    public static JsonObject Body(AuditRecord entry) => new()
    {
        ["seq"] = entry.Seq,
        ["at"] = entry.At,
        ["keyId"] = entry.KeyId,
        ["action"] = entry.Action,
        ["target"] = entry.Target,
        ["campaignId"] = entry.CampaignId,
        ["before"] = entry.BeforeJson is null ? null : JsonNode.Parse(entry.BeforeJson),
        ["after"] = entry.AfterJson is null ? null : JsonNode.Parse(entry.AfterJson),
        ["prevHash"] = entry.PrevHash,
    };

    public static string Hash(AuditRecord entry)
    {
        var canonical = entry.PrevHash + "\n" + CanonicalJson.Serialize(Body(entry));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>The instant as the log writes it: RFC 3339, UTC, milliseconds — one spelling, so the hash is reproducible.</summary>
    public static string FormatAt(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One entry of the chained audit log. <c>Hash</c> is empty until sealed.</summary>
public sealed record AuditRecord(
    long Seq,
    string At,
    string KeyId,
    string Action,
    string Target,
    string? CampaignId,
    string? BeforeJson,
    string? AfterJson,
    string PrevHash,
    string Hash);
