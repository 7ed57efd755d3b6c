using CharityDay.Api.Http;
using CharityDay.Api.OpenApi;
using CharityDay.Api.Public;
using CharityDay.Api.ReadSide;
using CharityDay.Api.Schemas;
using CharityDay.Contracts;
using CharityDay.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CharityDay.Api.Transparency;

/// <summary>
/// SPEC §6: <c>GET /v1/campaigns/{campaignId}/checkpoints?after=&amp;limit=</c>, public. The cursor is the
/// last checkpoint seq of the page. Answered by the silo's stateless proof reader, never by the writer.
/// </summary>
public static class CheckpointEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static void MapCheckpoints(this IEndpointRouteBuilder app) =>
        TransparencyComposition.PublicCampaignReads(app)
            .MapGet("/checkpoints", List).WithName("ListCheckpoints")
            .WithSummary("A campaign's sealed ledger checkpoints, oldest first (?after=cursor&limit=1..1000)")
            .Produces<CheckpointList>();

    private static async Task<IResult> List(string campaignId, HttpRequest request, HttpResponse response, CatalogReplica catalog, IGrainFactory grains)
    {
        var limit = DefaultLimit;
        if (request.Query.TryGetValue("limit", out var limitText) && !TryParseCount(limitText, out limit, 1, MaxLimit))
        {
            return ApiProblem.Invalid("limit", $"must be an integer from 1 to {MaxLimit}");
        }
        long after = 0;
        if (request.Query.TryGetValue("after", out var afterText) && !TryParseCursor(afterText, out after))
        {
            return ApiProblem.Invalid("after", "must be the next cursor of the previous page (a checkpoint seq)");
        }
        if (!await catalog.CampaignExistsAsync(campaignId, acceptRecentMiss: true))
        {
            return ApiProblem.NotFound("campaignId", $"campaign {campaignId} does not exist");
        }
        var page = await grains.GetGrain<ILedgerProofGrain>(0).Checkpoints(campaignId, after, limit);
        response.Headers.CacheControl = "public, max-age=1";
        return TypedResults.Ok(new CheckpointList
        {
            Items = page.Items.Select(Json),
            Next = page.Next?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    /// <summary>A checkpoint as SPEC §6 shows it; the disclosure shows the same shape.</summary>
    public static CheckpointRow Json(CheckpointView c) => new()
    {
        Seq = c.Seq,
        FirstEvent = c.FirstEvent,
        LastEvent = c.LastEvent,
        Count = c.Count,
        Root = c.Root,
        PrevHash = c.PrevHash,
        Hash = c.Hash,
        SealedAt = c.SealedAt,
    };

    private static bool TryParseCount(Microsoft.Extensions.Primitives.StringValues text, out int value, int min, int max)
    {
        value = 0;
        return text.Count == 1 && text[0] is { Length: > 0 and <= 9 } digits && digits.All(char.IsAsciiDigit)
            && int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value)
            && value >= min && value <= max;
    }

    private static bool TryParseCursor(Microsoft.Extensions.Primitives.StringValues text, out long value)
    {
        value = 0;
        return text.Count == 1 && text[0] is { Length: > 0 and <= 18 } digits && digits.All(char.IsAsciiDigit)
            && long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value);
    }
}
