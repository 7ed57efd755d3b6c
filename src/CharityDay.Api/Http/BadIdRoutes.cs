using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CharityDay.Api.Http;

/// <summary>
/// An id in the path that is empty or holds a slash ("a/b") does not fit a one-segment route, so
/// it would otherwise fall through to a bare 404 "no such route". A catch-all route under the
/// same prefix, which routing ranks below the real one, answers it like any other bad id: 400
/// naming the field. Admin prefixes check the key first, as their real routes do.
/// </summary>
public static class BadIdRoutes
{
    public static void MapBadIdFallback(this IEndpointRouteBuilder app, string prefix, string field, string[] methods,
        Func<HttpContext, Task<IResult?>>? guard = null)
    {
        app.MapMethods(prefix + "/{**rest}", methods, async (HttpContext context) =>
            guard is not null && await guard(context) is { } denied ? denied : ApiProblem.InvalidId(field));
    }
}
