using System.Text.Json;
using System.Text.Json.Nodes;
using CharityDay.Api.Auth;
using CharityDay.Api.Http;
using CharityDay.Contracts;
using CharityDay.Domain.Audit;
using Microsoft.AspNetCore.Http;

namespace CharityDay.Api.Admin;

/// <summary>
/// SPEC §4 "Safe administration" over HTTP: the Idempotency-Key and If-Match of an admin write, and
/// the answer (kept for retries, with its ETag) or refusal that comes back from where it committed.
/// </summary>
public static partial class AdminHttp
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxIdempotencyKeyLength = 255;

    /// <summary>What the write carries besides its change; a malformed Idempotency-Key or If-Match is a 400.</summary>
    public static (AdminRequest? Request, IResult? Problem) Request(HttpContext context, Caller caller, JsonElement? body)
    {
        string? idempotencyKey = null;
        if (context.Request.Headers.TryGetValue(IdempotencyKeyHeader, out var keyValues))
        {
            // draft-ietf-httpapi-idempotency-key-header: an sf-string, so quoted; a bare token is taken too.
            var raw = keyValues.ToString().Trim();
            if (raw.Length >= 2 && raw[0] == '"' && raw[^1] == '"')
            {
                raw = raw[1..^1];
            }
            if (raw.Length is 0 or > MaxIdempotencyKeyLength || raw.Any(c => c is < '!' or > '~') || keyValues.Count > 1)
            {
                return (null, ApiProblem.Invalid(IdempotencyKeyHeader, $"must be one value of 1–{MaxIdempotencyKeyLength} visible ASCII characters"));
            }
            idempotencyKey = raw;
        }
        IReadOnlyList<string>? ifMatch = null;
        if (context.Request.Headers.IfMatch.Count > 0)
        {
            var tags = context.Request.Headers.IfMatch.SelectMany(v => (v ?? "").Split(',')).Select(t => t.Trim()).Where(t => t.Length > 0).ToList();
            if (tags.Count == 0 || tags.Any(t => t != "*" && !EntityTag().IsMatch(t)))
            {
                return (null, ApiProblem.Invalid("If-Match", "must be * or a list of ETags as the admin GET sent them"));
            }
            // If-Match compares strongly (RFC 9110 §13.1.1): a weak tag never matches.
            ifMatch = [.. tags.Where(t => !t.StartsWith("W/", StringComparison.Ordinal))];
        }
        var hash = AdminSettingsJson.RequestHash(context.Request.Method, context.Request.Path.Value ?? "", Canonical(body));
        return (new AdminRequest(caller.KeyId, idempotencyKey, hash, ifMatch), null);
    }

    /// <summary>The answer a write committed with (or replays), or the problem for its refusal.</summary>
    public static IResult Answer(AdminAnswer answer)
    {
        if (answer.Refusal is { } refusal)
        {
            return refusal.Kind switch
            {
                AdminRefusals.NotFound => ApiProblem.NotFound(refusal.Field, refusal.Detail),
                AdminRefusals.Conflict => ApiProblem.Conflict(refusal.Field, refusal.Detail),
                AdminRefusals.PreconditionFailed => ApiProblem.PreconditionFailed(refusal.Field, refusal.Detail),
                AdminRefusals.IdempotencyConflict => ApiProblem.IdempotencyConflict(refusal.Field, refusal.Detail),
                AdminRefusals.Unavailable => ApiProblem.Unavailable(refusal.Field, refusal.Detail),
                AdminRefusals.ExceedsUnspent => ApiProblem.NotAllowed("clawback-exceeds-unspent", "A project has already reported spending this money.", refusal.Field, refusal.Detail),
                _ => ApiProblem.Invalid(refusal.Field, refusal.Detail),
            };
        }
        return new StoredAnswerResult(answer);
    }

    /// <summary>A settings read: the body and its ETag.</summary>
    public static IResult WithETag(object body, string etag) => new StoredAnswerResult(new AdminAnswer(200, JsonSerializer.Serialize(body, Web), etag, false, null));

    [System.Text.RegularExpressions.GeneratedRegex("^(W/)?\"[\\x21\\x23-\\x7E]*\"$")]
    private static partial System.Text.RegularExpressions.Regex EntityTag();

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static string? Canonical(JsonElement? body)
    {
        if (body is not { } element)
        {
            return null;
        }
        try
        {
            return CanonicalJson.Serialize(JsonNode.Parse(element.GetRawText()));
        }
        catch (ArgumentException)
        {
            // A body with a fraction is refused by validation anyway; its raw text still tells requests apart.
            return element.GetRawText();
        }
    }

    private sealed class StoredAnswerResult(AdminAnswer answer) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = answer.Status;
            if (answer.ETag is { } etag)
            {
                context.Response.Headers.ETag = etag;
            }
            if (answer.Replayed)
            {
                context.Response.Headers[ReplayedHeader] = "true";
            }
            if (answer.Body is { Length: > 0 } body && answer.Status != StatusCodes.Status204NoContent)
            {
                context.Response.ContentType = "application/json; charset=utf-8";
                await context.Response.WriteAsync(body);
            }
        }
    }
}
