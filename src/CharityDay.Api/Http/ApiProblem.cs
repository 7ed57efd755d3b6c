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

    public static IResult MalformedJson(string detail) =>
        Create(StatusCodes.Status400BadRequest, "malformed-json", "The request body is not valid JSON.", detail, [new FieldError("body", detail)]);

    public static IResult Unauthorized(string detail) =>
        Create(StatusCodes.Status401Unauthorized, "unauthorized", "Missing or invalid API key.", detail);

    public static IResult Forbidden(string detail) =>
        Create(StatusCodes.Status403Forbidden, "forbidden", "The API key may not do this.", detail);

    public static IResult NotFound(string field, string detail) =>
        Create(StatusCodes.Status404NotFound, "not-found", "Not found.", detail, [new FieldError(field, detail)]);

    public static IResult Conflict(string field, string detail) =>
        Create(StatusCodes.Status409Conflict, "idempotency-conflict", "Conflict with an existing resource.", detail, [new FieldError(field, detail)]);

    public static IResult TooLarge(long limit) =>
        Create(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "The request body is too large.", $"the limit is {limit} bytes",
            [new FieldError("body", $"at most {limit} bytes")]);

    public static IResult NotAllowed(string type, string title, string field, string detail) =>
        Create(StatusCodes.Status422UnprocessableEntity, type, title, detail, [new FieldError(field, detail)]);

    public static IResult Overloaded(string detail) =>
        Create(StatusCodes.Status429TooManyRequests, "overloaded", "The service is shedding load; retry later.", detail, retryAfterSeconds: 1);

    public static IResult RateLimited(string detail) =>
        Create(StatusCodes.Status429TooManyRequests, "rate-limited", "The partner's rate limit is exceeded.", detail, retryAfterSeconds: 1);

    public static IResult Unavailable(string detail) =>
        Create(StatusCodes.Status503ServiceUnavailable, "unavailable", "The service cannot take this request now.", detail, retryAfterSeconds: 1);

    public static ProblemDetails Details(int status, string type, string title, string? detail, IReadOnlyList<FieldError>? errors = null)
    {
        var problem = new ProblemDetails { Status = status, Type = TypeBase + type, Title = title, Detail = detail };
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
        return retryAfterSeconds is { } seconds ? new WithRetryAfter(result, seconds) : result;
    }

    private sealed class WithRetryAfter(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
