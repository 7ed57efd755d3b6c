using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CharityDay.Api.Http;

/// <summary>
/// An id in the path that is empty or holds a slash ("a/b") does not fit a one-segment route, so
/// it would otherwise fall through to a bare 404 "no such route". A catch-all route under the
/// same prefix, which routing ranks below the real one, answers it like any other bad id: 400
/// naming the field. Under a key policy (the group's, or <paramref name="policy"/>) the key is
/// checked first, as on the real routes. Left out of the OpenAPI document: it is no operation.
/// </summary>
public static class BadIdRoutes
{
    public static void MapBadIdFallback(this IEndpointRouteBuilder app, string prefix, string field, string[] methods, string? policy = null)
    {
        var route = app.MapMethods(prefix + "/{**rest}", methods, () => ApiProblem.InvalidId(field)).ExcludeFromDescription();
        if (policy is not null)
        {
            route.RequireAuthorization(policy);
        }
    }
}
