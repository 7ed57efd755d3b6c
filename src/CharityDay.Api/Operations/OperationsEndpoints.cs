using CharityDay.Api.Auth;
using CharityDay.Api.Http;
using CharityDay.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CharityDay.Api.Operations;

/// <summary>Operator views of the cluster: which silo runs a campaign's write path.</summary>
public static class OperationsEndpoints
{
    public static void MapOperations(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/admin/campaigns/{campaignId}/placement", GetPlacement);

    private static async Task<IResult> GetPlacement(HttpContext context, string campaignId, IGrainFactory grains, ReadSide.CatalogReplica catalog)
    {
        var (caller, denied) = await Guard.RequireAsync(context, Roles.Manager, Roles.Viewer);
        if (denied is not null)
        {
            return denied;
        }
        if (!caller!.CanRead(campaignId))
        {
            return Guard.OutOfScope(campaignId);
        }
        // The catalog copy, not the campaign's grain: asking an unknown id's grain would activate it.
        if (!Domain.Identifiers.IsValid(campaignId) || !await catalog.CampaignExistsAsync(campaignId))
        {
            return ApiProblem.NotFound("campaignId", $"campaign {campaignId} does not exist");
        }
        var silo = await grains.GetGrain<ICampaignPlacement>(campaignId).SiloAddress();
        return TypedResults.Ok(new { campaignId, silo });
    }
}
