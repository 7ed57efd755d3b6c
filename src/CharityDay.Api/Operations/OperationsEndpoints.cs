using CharityDay.Api.Auth;
using CharityDay.Api.Http;
using CharityDay.Api.OpenApi;
using CharityDay.Api.Schemas;
using CharityDay.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CharityDay.Api.Operations;

/// <summary>Operator views of the cluster: which silo runs a campaign's write path.</summary>
public static class OperationsEndpoints
{
    public static void MapOperations(this IEndpointRouteBuilder app)
    {
        var operations = app.MapGroup("/v1/admin/campaigns").WithTags("Operations").ProducesProblems(401, 403, 404, 503);
        operations.MapGet("/{campaignId}/placement", GetPlacement).WithName("GetPlacement").RequireAuthorization(KeyPolicies.CampaignReader)
            .WithSummary("The silo that runs a campaign's write path").Produces<Placement>();
    }

    private static async Task<IResult> GetPlacement(string campaignId, IGrainFactory grains, ReadSide.CatalogReplica catalog)
    {
        // The catalog copy, not the campaign's grain: asking an unknown id's grain would activate it.
        // A malformed id is unknown here (404), as it always was on this operator route.
        if (!Domain.Identifiers.IsValid(campaignId) || !await catalog.CampaignExistsAsync(campaignId))
        {
            return ApiProblem.NotFound("campaignId", $"campaign {campaignId} does not exist");
        }
        var silo = await grains.GetGrain<ICampaignPlacement>(campaignId).SiloAddress();
        return TypedResults.Ok(new { campaignId, silo });
    }
}
