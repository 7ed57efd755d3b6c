using CharityDay.Api.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace CharityDay.Api.Auth;

/// <summary>
/// A refused key gets the API's problem+json, not an empty challenge: 401 <c>unauthorized</c> with
/// <c>WWW-Authenticate: Bearer</c> when there is no valid key, 403 <c>forbidden</c> naming the first
/// requirement the key failed (its role, then its scope).
/// </summary>
public sealed class ProblemAuthorizationResults : IAuthorizationMiddlewareResultHandler
{
    public const string MissingKey = "send Authorization: Bearer <key> with a valid, unrevoked key";

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded)
        {
            return next(context);
        }
        if (authorizeResult.Challenged || Caller.Of(context.User) is null)
        {
            return ApiProblem.Unauthorized(MissingKey).ExecuteAsync(context);
        }
        var reason = authorizeResult.AuthorizationFailure?.FailureReasons.FirstOrDefault()?.Message ?? "this key may not call this endpoint";
        return ApiProblem.Forbidden(reason).ExecuteAsync(context);
    }
}
