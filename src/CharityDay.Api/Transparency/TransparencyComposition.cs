using CharityDay.Domain.Transparency;
using CharityDay.Api.Http;
using CharityDay.Api.OpenApi;
using CharityDay.Api.Public;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CharityDay.Api.Transparency;

/// <summary>SPEC §6 exports, statements and disclosure. The host registers the ledger's <see cref="ILedgerReads"/>.</summary>
public static class TransparencyComposition
{
    public static IServiceCollection AddTransparency(this IServiceCollection services)
    {
        services.AddSingleton<ExportGate>();
        services.AddSingleton<DisclosureCache>();
        services.AddSingleton<ILedgerCheckpoints, ProofGrainCheckpoints>();
        TransparencyTelemetry.Register();
        return services;
    }

    public static WebApplication MapTransparency(this WebApplication app)
    {
        app.MapExports();
        app.MapStatements();
        app.MapDisclosure();
        return app;
    }

    /// <summary>
    /// The public reads under a campaign (disclosure, checkpoints): no key, under the optional per-client
    /// limit, the campaign id checked before the handler — like the other public reads.
    /// </summary>
    public static RouteGroupBuilder PublicCampaignReads(IEndpointRouteBuilder app) =>
        app.MapGroup("/v1/campaigns/{campaignId}").WithTags("Public reads").AllowAnonymous()
            .RequireRateLimiting(PublicReadLimits.Policy).WithIdentifiers("campaignId")
            .ProducesProblems(400, 404, 429);
}
