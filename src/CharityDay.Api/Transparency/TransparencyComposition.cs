using CharityDay.Domain.Transparency;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CharityDay.Api.Transparency;

/// <summary>SPEC §6 exports, statements and disclosure. The host registers the ledger's <see cref="ILedgerReads"/>.</summary>
public static class TransparencyComposition
{
    public static IServiceCollection AddTransparency(this IServiceCollection services)
    {
        services.AddSingleton<ExportGate>();
        services.AddSingleton<DisclosureCache>();
        // The seam for the verifiable ledger: its checkpoint store, registered by the host, replaces this.
        services.TryAddSingleton<ILedgerCheckpoints, NoLedgerCheckpoints>();
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
