using CharityDay.Domain.Transparency;
using Microsoft.AspNetCore.Builder;
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
}
