using System.Buffers;
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

    /// <summary>The first buffer's size when the request declares no length.</summary>
    private const int InitialBytes = 4 * 1024;

    // A body that names a field twice is ambiguous: reject it rather than guess which one counts.
    private static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false };

    /// <summary>The most of a refused body the server reads and drops so the client can see the 413.</summary>
    public const long MaxDrainBytes = 16 * 1024 * 1024;

    public static async Task<(JsonElement Root, IResult? Problem)> ReadObjectAsync(HttpRequest request, long limitBytes, bool allowEmpty = false)
    {
        if (request.ContentLength is { } declared && declared > limitBytes)
        {
            LetTheServerDrain(request.HttpContext, declared);
            return (default, ApiProblem.TooLarge(limitBytes));
        }
        // Pooled: a fresh 16 KB chunk and a growing stream per request were a large share of the
        // single-post path's allocations (measured).
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? InitialBytes, limitBytes) + 1);
        try
        {
            var length = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length), request.HttpContext.RequestAborted)) > 0)
            {
                length += read;
                if (length > limitBytes)
                {
                    return (default, ApiProblem.TooLarge(limitBytes));
                }
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }
            if (length == 0)
            {
                if (allowEmpty)
                {
                    return (default, null);
                }
                return (default, ApiProblem.MalformedJson("the request body is empty"));
            }
            // The parser checks structure, not the bytes inside strings: without this, a bad byte in a
            // name surfaces later as an exception (500) instead of a 400.
            if (!Utf8.IsValid(buffer.AsSpan(0, length)))
            {
                return (default, ApiProblem.MalformedJson("the request body is not valid UTF-8"));
            }
            // Before parsing: the parser's duplicate-name check unescapes every property name, and throws on one.
            if (UnpairedSurrogateEscape(buffer.AsSpan(0, length)) is { } at)
            {
                return (default, ApiProblem.MalformedJson($"the body escapes an unpaired UTF-16 surrogate at byte {at}; strings must be valid Unicode"));
            }
            using var document = JsonDocument.Parse(buffer.AsMemory(0, length), Options);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (default, ApiProblem.Invalid("body", "must be a JSON object"));
            }
            // The clone owns its bytes: the pooled buffer can go back.
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException e)
        {
            return (default, ApiProblem.MalformedJson(e.Message));
        }
        catch (InvalidOperationException e)
        {
            // The parser's own word for text it cannot unescape, should an escape get past the scan.
            return (default, ApiProblem.MalformedJson(e.Message));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (default, ApiProblem.TooLarge(limitBytes));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// For a request whose contract names no body fields (a refund): no body, or a JSON object
    /// with no fields. Anything else is a 400: malformed, or naming each field sent (SPEC §4 strict input).
    /// </summary>
    public static async Task<IResult?> ReadNoFieldsAsync(HttpRequest request)
    {
        if (request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false } || request.ContentLength == 0)
        {
            return null;
        }
        var (body, problem) = await ReadObjectAsync(request, DefaultLimitBytes, allowEmpty: true);
        if (problem is not null || body.ValueKind != JsonValueKind.Object)
        {
            return problem;
        }
        var fields = new FieldReader(body);
        return fields.HasErrors ? ApiProblem.Invalid(fields.Errors) : null;
    }

    /// <summary>
    /// The parser takes <c>\uD800</c> without complaint, and reading such a string later throws
    /// (a 500). RFC 8259 §8.2 leaves such strings' meaning undefined; I-JSON (RFC 7493) forbids
    /// them. Runs before the parser, so it reads defensively: anything that is not a well-formed
    /// escape is left for the parser to refuse.
    /// </summary>
    private static int? UnpairedSurrogateEscape(ReadOnlySpan<byte> json)
    {
        var i = 0;
        while (true)
        {
            var next = json[i..].IndexOf((byte)'\\');
            if (next < 0)
            {
                return null;
            }
            i += next;
            if (i + 6 > json.Length || json[i + 1] != (byte)'u' || Hex4(json.Slice(i + 2, 4)) is not { } unit)
            {
                i += 2;
                if (i >= json.Length)
                {
                    return null;
                }
                continue;
            }
            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                return i;
            }
            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                if (i + 12 > json.Length || json[i + 6] != (byte)'\\' || json[i + 7] != (byte)'u'
                    || Hex4(json.Slice(i + 8, 4)) is not (>= 0xDC00 and <= 0xDFFF))
                {
                    return i;
                }
                i += 12;
                continue;
            }
            i += 6;
        }
    }

    private static int? Hex4(ReadOnlySpan<byte> digits)
    {
        var value = 0;
        foreach (var d in digits)
        {
            var lower = d | 0x20;
            int digit = d is >= (byte)'0' and <= (byte)'9' ? d - '0' : lower is >= 'a' and <= 'f' ? lower - 'a' + 10 : -1;
            if (digit < 0)
            {
                return null;
            }
            value = (value << 4) | digit;
        }
        return value;
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
