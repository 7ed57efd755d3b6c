using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CharityDay.ServiceDefaults;

/// <summary>
/// The one place OpenTelemetry and health endpoints are wired: our CharityDay meter and source,
/// Orleans', ASP.NET Core's, HttpClient's, the runtime's and Npgsql's. Prometheus scrapes
/// /metrics; OTLP exports when OTEL_EXPORTER_OTLP_ENDPOINT is set; nothing goes to the console.
/// </summary>
public static class ServiceDefaults
{
    public const string ReadyTag = "ready";
    public const string StartupTag = "startup";

    public static readonly string[] Meters =
    [
        "CharityDay",
        "Microsoft.Orleans",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "System.Net.Http",
        "Npgsql",
    ];

    public static readonly string[] Sources =
    [
        "CharityDay",
        "Microsoft.Orleans.Runtime",
        "Microsoft.Orleans.Application",
    ];

    public static IHostApplicationBuilder AddCharityDayDefaults(this IHostApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            if (otlp)
            {
                logging.AddOtlpExporter();
            }
        });

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("charityday", serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(Sources)
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/metrics") && !http.Request.Path.StartsWithSegments("/health"))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql();
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            });
        _ = telemetry;

        builder.Services.AddHealthChecks();
        return builder;
    }

    /// <summary>Liveness is local only; readiness checks storage and cluster; startup says the silo came up.</summary>
    public static WebApplication MapCharityDayDefaults(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) });
        app.MapHealthChecks("/health/startup", new HealthCheckOptions { Predicate = c => c.Tags.Contains(StartupTag) });
        return app;
    }
}
