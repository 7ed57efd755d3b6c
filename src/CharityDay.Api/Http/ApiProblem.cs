using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace CharityDay.Api.Http;

public sealed record FieldError(string Field, string Message);

/// <summary>
/// Every error the API answers, as RFC 9457 problem details with a stable <c>type</c>.
/// The one place that maps outcomes to status codes.
/// </summary>
public static class ApiProblem
{
    public const string TypeBase = "https://charityday.dev/problems/";

    public static IResult Invalid(IReadOnlyList<FieldError> errors) =>
        Create(StatusCodes.Status400BadRequest, "invalid-request", "The request has invalid fields.",
            string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")), errors);

    public static IResult Invalid(string field, string message) => Invalid([new FieldError(field, message)]);

    public const string IdentifierRule = "must be 1–128 characters of A-Z a-z 0-9 . _ : -";

    /// <summary>A malformed identifier in the path or query is a 400, never a 404: the client sent bad input.</summary>
    public static IResult InvalidId(string field) => Invalid(field, IdentifierRule);

    public static IResult MalformedJson(string detail) =>
        Create(StatusCodes.Status400BadRequest, "malformed-json", "The request body is not valid JSON.", detail, [new FieldError("body", detail)]);

    /// <summary>RFC 9110 §15.5.2: a 401 names the scheme the client should use.</summary>
    public static IResult Unauthorized(string detail) =>
        new WithHeader(Create(StatusCodes.Status401Unauthorized, "unauthorized", "Missing or invalid API key.", detail),
            "WWW-Authenticate", "Bearer realm=\"charityday\"");

    public static IResult Forbidden(string detail) =>
        Create(StatusCodes.Status403Forbidden, "forbidden", "The API key may not do this.", detail);

    public static IResult NotFound(string field, string detail) =>
        Create(StatusCodes.Status404NotFound, "not-found", "Not found.", detail, [new FieldError(field, detail)]);

    /// <summary>The request contradicts what exists (e.g. moving a project to another campaign).</summary>
    public static IResult Conflict(string field, string detail) =>
        Create(StatusCodes.Status409Conflict, "conflict", "Conflict with an existing resource.", detail, [new FieldError(field, detail)]);

    /// <summary>RFC 9110 §13.1.1: the If-Match ETags no longer match the resource.</summary>
    public static IResult PreconditionFailed(string field, string detail) =>
        Create(StatusCodes.Status412PreconditionFailed, "precondition-failed", "The resource changed since it was read.", detail, [new FieldError(field, detail)]);

    /// <summary>The Idempotency-Key was first used with another request.</summary>
    public static IResult IdempotencyConflict(string field, string detail) =>
        Create(StatusCodes.Status409Conflict, "idempotency-conflict", "The Idempotency-Key belongs to another request.", detail, [new FieldError(field, detail)]);

    public static IResult Unavailable(string field, string detail) =>
        Create(StatusCodes.Status503ServiceUnavailable, "unavailable", "The service cannot take this request now.", detail, [new FieldError(field, detail)], retryAfterSeconds: 1);

    public static IResult TooLarge(long limit) =>
        Create(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "The request body is too large.", $"the limit is {limit} bytes",
            [new FieldError("body", $"at most {limit} bytes")]);

    public static IResult NotAllowed(string type, string title, string field, string detail) =>
        Create(StatusCodes.Status422UnprocessableEntity, type, title, detail, [new FieldError(field, detail)]);

    public static IResult Overloaded(string detail) =>
        Create(StatusCodes.Status429TooManyRequests, "overloaded", "The service is shedding load; retry later.", detail, retryAfterSeconds: 1);

    public static IResult RateLimited(string detail, int retryAfterSeconds = 1) =>
        Create(StatusCodes.Status429TooManyRequests, "rate-limited", "The partner's rate limit is exceeded.", detail, retryAfterSeconds: retryAfterSeconds);

    /// <summary>
    /// A batch of more donations than the partner's whole per-second limit: no wait lets it pass, so it
    /// has a type of its own (split it, do not retry it as is). Still 429 with Retry-After (SPEC §4: past
    /// the limit is 429), the wait after which a batch of <c>limit</c> items passes.
    /// </summary>
    public static IResult BatchOverRateLimit(string detail, int limit, int retryAfterSeconds) =>
        Create(StatusCodes.Status429TooManyRequests, "batch-over-rate-limit", "The batch is larger than the partner's rate limit.", detail,
            [new FieldError("donations", $"at most {limit} items: the partner's rate limit per second")], retryAfterSeconds);

    public static IResult Unavailable(string detail) =>
        Create(StatusCodes.Status503ServiceUnavailable, "unavailable", "The service cannot take this request now.", detail, retryAfterSeconds: 1);

    public static ProblemDetails Details(int status, string type, string title, string? detail, IReadOnlyList<FieldError>? errors = null)
    {
        var problem = new ProblemDetails { Status = status, Type = TypeBase + type, Title = title, Detail = detail };
        ApiTelemetry.Problems.Add(1, new KeyValuePair<string, object?>("status", status), new KeyValuePair<string, object?>("type", type));
        if (errors is { Count: > 0 })
        {
            problem.Extensions["field"] = errors[0].Field;
            problem.Extensions["errors"] = errors
                .GroupBy(e => e.Field)
                .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
        }
        return problem;
    }

    private static IResult Create(int status, string type, string title, string? detail, IReadOnlyList<FieldError>? errors = null, int? retryAfterSeconds = null)
    {
        var problem = Details(status, type, title, detail, errors);
        var result = TypedResults.Problem(problem);
        return retryAfterSeconds is { } seconds
            ? new WithHeader(result, "Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : result;
    }

    private sealed class WithHeader(IResult inner, string name, string value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
