using CharityDay.Api.Http;
using Microsoft.AspNetCore.Http;

namespace CharityDay.Api.Auth;

/// <summary>
/// 401 when there is no valid key, 403 when the key's role may not call the endpoint.
/// The API's own endpoints use the key policies instead (<see cref="KeyPolicies"/>, <c>RequireAuthorization</c>);
/// this stays, with the same answers, for endpoints written against it until they move over.
/// </summary>
public static class Guard
{
    public static async Task<(Caller? Caller, IResult? Problem)> RequireAsync(HttpContext context, params string[] roles)
    {
        var authenticator = context.RequestServices.GetService(typeof(KeyAuthenticator)) as KeyAuthenticator
            ?? throw new InvalidOperationException("KeyAuthenticator is not registered");
        var caller = Caller.Of(context.User) ?? await authenticator.AuthenticateAsync(context.Request);
        if (caller is null)
        {
            return (null, ApiProblem.Unauthorized(ProblemAuthorizationResults.MissingKey));
        }
        if (!roles.Contains(caller.Role))
        {
            return (null, ApiProblem.Forbidden($"a {caller.Role} key may not call this endpoint; it needs {string.Join(" or ", roles)}"));
        }
        return (caller, null);
    }

    public static IResult OutOfScope(string campaignId) => ApiProblem.Forbidden(KeyPolicies.OutOfScope(campaignId));
}
