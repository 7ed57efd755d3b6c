using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CharityDay.Domain.Audit;

namespace CharityDay.Contracts;

/// <summary>
/// What an admin write carries besides its change: who asks, the Idempotency-Key and the hash of the
/// request it came with, and the If-Match ETags (null: no precondition; "*": the resource must exist).
/// </summary>
[GenerateSerializer, Immutable, Alias("cd.AdminRequest")]
public sealed record AdminRequest(
    [property: Id(0)] string CallerKeyId,
    [property: Id(1)] string? IdempotencyKey,
    [property: Id(2)] string RequestHash,
    [property: Id(3)] IReadOnlyList<string>? IfMatch)
{
    public bool Matches(string? currentETag) =>
        IfMatch is null || (currentETag is not null && IfMatch.Any(tag => tag == "*" || tag == currentETag));
}

/// <summary>
/// An admin write's answer, made where the change commits: a success (kept for Idempotency-Key retries
/// exactly as first sent) or a refusal that the API turns into a problem response.
/// </summary>
[GenerateSerializer, Immutable, Alias("cd.AdminAnswer")]
public sealed record AdminAnswer(
    [property: Id(0)] int Status,
    [property: Id(1)] string? Body,
    [property: Id(2)] string? ETag,
    [property: Id(3)] bool Replayed,
    [property: Id(4)] AdminRefusal? Refusal)
{
    public static AdminAnswer Refused(string kind, string field, string detail) => new(0, null, null, false, new AdminRefusal(kind, field, detail));
}

[GenerateSerializer, Immutable, Alias("cd.AdminRefusal")]
public sealed record AdminRefusal([property: Id(0)] string Kind, [property: Id(1)] string Field, [property: Id(2)] string Detail);

public static class AdminRefusals
{
    public const string Invalid = "invalid";
    public const string NotFound = "not-found";
    public const string Conflict = "conflict";
    public const string PreconditionFailed = "precondition-failed";
    public const string IdempotencyConflict = "idempotency-conflict";

    /// <summary>The patch was merged onto settings that changed since: merge again.</summary>
    public const string StaleMerge = "stale-merge";

    /// <summary>The write could not be known to have committed or not: retry with the same Idempotency-Key.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>SPEC §6: the change would leave a project with less raised + matched than it reported spent (422).</summary>
    public const string ExceedsUnspent = "exceeds-unspent";
}

/// <summary>A settings row as stored: the record's JSON and its ETag.</summary>
[GenerateSerializer, Immutable, Alias("cd.AdminRowView")]
public sealed record AdminRowView(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] string? CampaignId,
    [property: Id(3)] string SettingsJson,
    [property: Id(4)] string ETag);

public static class AdminKinds
{
    public const string Campaign = "campaign";
    public const string Project = "project";
    public const string Pool = "pool";
    public const string Partner = "partner";
    public const string Key = "key";
}

/// <summary>One entry of the chained audit log, as the API shows it.</summary>
[GenerateSerializer, Immutable, Alias("cd.AuditEntryView")]
public sealed record AuditEntryView(
    [property: Id(0)] long Seq,
    [property: Id(1)] string At,
    [property: Id(2)] string KeyId,
    [property: Id(3)] string Action,
    [property: Id(4)] string Target,
    [property: Id(5)] string? CampaignId,
    [property: Id(6)] string? BeforeJson,
    [property: Id(7)] string? AfterJson,
    [property: Id(8)] string PrevHash,
    [property: Id(9)] string Hash);

/// <summary>How settings records are stored, and the ETag over what the admin GET shows of them.</summary>
public static class AdminSettingsJson
{
    private static readonly JsonSerializerOptions Storage = new(JsonSerializerDefaults.General);
    private static readonly JsonSerializerOptions WireOptions = new(JsonSerializerDefaults.Web);

    public static string Store<T>(T settings) => JsonSerializer.Serialize(settings, Storage);

    public static T Load<T>(string json) => JsonSerializer.Deserialize<T>(json, Storage)
        ?? throw new InvalidOperationException($"stored {typeof(T).Name} is null");

    /// <summary>The wire form (SPEC field names), as the audit log and answers hold it.</summary>
    public static string Wire(object view) => JsonSerializer.Serialize(view, WireOptions);

    /// <summary>A strong ETag over the canonical JSON of the settings as the admin GET shows them (running totals excluded).</summary>
    public static string ETag(object view)
    {
        var canonical = CanonicalJson.Serialize(JsonSerializer.SerializeToNode(view, WireOptions));
        return "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..32] + "\"";
    }

    /// <summary>What identifies a request for Idempotency-Key purposes: method, path and the canonical body.</summary>
    public static string RequestHash(string method, string path, string? canonicalBody) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{method} {path}\n{canonicalBody}")));
}
