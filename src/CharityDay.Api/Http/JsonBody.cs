using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CharityDay.Api.Http;

/// <summary>Reads a JSON request body, answering malformed or oversized bodies with a problem.</summary>
public static class JsonBody
{
    public const long DefaultLimitBytes = 64 * 1024;
    public const long BatchLimitBytes = 2 * 1024 * 1024;

    // A body that names a field twice is ambiguous: reject it rather than guess which one counts.
    private static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false };

    /// <summary>The most of a refused body the server reads and drops so the client can see the 413.</summary>
    public const long MaxDrainBytes = 16 * 1024 * 1024;

    public static async Task<(JsonElement Root, IResult? Problem)> ReadObjectAsync(HttpRequest request, long limitBytes)
    {
        if (request.ContentLength is { } declared && declared > limitBytes)
        {
            LetTheServerDrain(request.HttpContext, declared);
            return (default, ApiProblem.TooLarge(limitBytes));
        }
        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > limitBytes)
                {
                    return (default, ApiProblem.TooLarge(limitBytes));
                }
            }
            if (buffer.Length == 0)
            {
                return (default, ApiProblem.MalformedJson("the request body is empty"));
            }
            // The parser checks structure, not the bytes inside strings: without this, a bad byte in a
            // name surfaces later as an exception (500) instead of a 400.
            if (!Utf8.IsValid(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)))
            {
                return (default, ApiProblem.MalformedJson("the request body is not valid UTF-8"));
            }
            using var document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), Options);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (default, ApiProblem.Invalid("body", "must be a JSON object"));
            }
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException e)
        {
            return (default, ApiProblem.MalformedJson(e.Message));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (default, ApiProblem.TooLarge(limitBytes));
        }
    }

    /// <summary>
    /// A client that sends a body above the server's own ceiling and is answered before it has
    /// sent it all sees a broken pipe, not our 413, because the server closes rather than read
    /// past its ceiling. Raising this request's ceiling (bounded) lets the server drain the body
    /// after answering, as it does for smaller ones.
    /// </summary>
    private static void LetTheServerDrain(HttpContext context, long declaredBytes)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit
            && limit.MaxRequestBodySize < declaredBytes && declaredBytes <= MaxDrainBytes)
        {
            limit.MaxRequestBodySize = declaredBytes;
        }
    }
}
