using Microsoft.Extensions.DependencyInjection;

namespace CharityDay.Grains.Telemetry;

public static class GrainTelemetry
{
    /// <summary>The grain side of telemetry: pool gauges fed from the campaigns active on this silo.</summary>
    public static ISiloBuilder AddCharityDayGrainTelemetry(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton<PoolGaugeRegistry>();
        silo.AddIncomingGrainCallFilter<CampaignTelemetryFilter>();
        return silo;
    }
}
