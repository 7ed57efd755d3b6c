using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CharityDay.Api.Http;

/// <summary>
/// SPEC §4: the API speaks JSON, and every body is read as JSON whatever its declared type — so `curl -d`
/// (which declares a form) works as the README shows. The endpoints' <c>Accepts</c> records describe the
/// JSON body for the OpenAPI document, but routing also matches on them: a body declared as a form or
/// text would find no endpoint (a 415, or a misleading 400 from a bad-id fallback). So before routing,
/// a write whose body is not declared as JSON is declared JSON; what it holds is then judged by the
/// same strict reader as every body (400 naming the problem).
/// </summary>
public static class JsonBodies
{
    public static void UseJsonBodies(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            var request = http.Request;
            if ((HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
                && !IsJson(request.ContentType))
            {
                request.ContentType = "application/json";
            }
            return next(http);
        });
        // Routing after the rewrite (WebApplication would otherwise match first).
        app.UseRouting();
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);
}
