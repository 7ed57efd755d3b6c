using CharityDay.Api.Http;
using CharityDay.Api.OpenApi;
using CharityDay.Api.Public;
using CharityDay.Api.ReadSide;
using CharityDay.Api.Schemas;
using CharityDay.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CharityDay.Api.Giving;

/// <summary>SPEC §7 merchant giving: the public merchant board, from the campaign's snapshot like every public read.</summary>
public static class MerchantEndpoints
{
    public static void MapMerchants(this IEndpointRouteBuilder app)
    {
        var reads = app.MapGroup("/v1/campaigns/{campaignId}/merchants").WithTags("Public reads").AllowAnonymous()
            .RequireRateLimiting(PublicReadLimits.Policy).WithIdentifiers("campaignId")
            .ProducesProblems(400, 404, 429);
        reads.MapGet("", GetBoard).WithName("GetMerchantBoard")
            .WithSummary("A campaign's merchants by raised, descending (?top=N, default 10); net of refunds")
            .Produces<IReadOnlyList<MerchantBoardRow>>();
    }

    private static async Task<IResult> GetBoard(string campaignId, HttpRequest request, HttpResponse response, CatalogReplica catalog, CampaignSnapshots snapshots)
    {
        if (PublicEndpoints.ReadTop(request) is not { } top)
        {
            return ApiProblem.Invalid("top", $"must be an integer from 1 to {PublicEndpoints.MaxTop}");
        }
        var (snapshot, asOf, missing) = await PublicEndpoints.FindCampaignAsync(campaignId, response, catalog, snapshots);
        if (missing is not null)
        {
            return missing;
        }
        PublicEndpoints.Cacheable(response, asOf);
        var board = (snapshot!.Merchants ?? MerchantBoardSnapshot.Empty).Board;
        return TypedResults.Ok(board.Take(top).Select(m => new MerchantBoardRow
        {
            PartnerId = m.PartnerId, MerchantId = m.MerchantId, Raised = m.RaisedFen, OrderCount = m.OrderCount, DonationCount = m.DonationCount,
        }));
    }
}
