using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

    /// <summary>
    /// Orleans' grain-call spans come from Application (our grains) and Runtime (its own system
    /// targets); Storage has the grain-state reads and writes, Lifecycle the activations.
    /// Npgsql's spans are added by <c>AddNpgsql</c>.
    /// </summary>
    public static readonly string[] Sources =
    [
        "CharityDay",
        "Microsoft.Orleans.Application",
        "Microsoft.Orleans.Runtime",
        "Microsoft.Orleans.Storage",
        "Microsoft.Orleans.Lifecycle",
    ];

    /// <summary>CharityDay:LogFormat — json, text, or auto (the default: text on a terminal, JSON otherwise).</summary>
    public const string LogFormatKey = "CharityDay:LogFormat";

    /// <summary>
    /// Defaults that configuration (appsettings, environment) overrides: they sit below every
    /// other source. Per-request and per-grain-call chatter stays below Information, so a donation
    /// never writes a log line unless something went wrong. The console format is chosen by
    /// <see cref="LogFormatKey"/> (<see cref="ConsoleDefaults"/>).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> ConfigurationDefaults = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        ["Logging:LogLevel:Orleans"] = "Warning",
        ["Logging:LogLevel:Microsoft.Orleans"] = "Warning",
        ["Logging:LogLevel:Npgsql"] = "Warning",
        // Resilience pipelines log every attempt at Information: noise on a first run.
        ["Logging:LogLevel:Polly"] = "Warning",
    };

    /// <summary>
    /// Machines read JSON lines (with the trace and span ids of the request that wrote them); a person
    /// at a terminal reads one short line per entry. Standard output redirected (a container, a
    /// service manager, a pipe) means a machine is reading.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> ConsoleDefaults(string? logFormat, bool outputIsTerminal) =>
        (logFormat?.Trim().ToLowerInvariant() switch
        {
            "json" => false,
            "text" => true,
            null or "" or "auto" => outputIsTerminal,
            _ => throw new InvalidOperationException($"{LogFormatKey} must be json, text or auto, not '{logFormat}'"),
        })
            ? new Dictionary<string, string?>
            {
                ["Logging:Console:FormatterName"] = "simple",
                ["Logging:Console:FormatterOptions:SingleLine"] = "true",
                ["Logging:Console:FormatterOptions:IncludeScopes"] = "false",
                ["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss ",
            }
            : new Dictionary<string, string?>
            {
                ["Logging:Console:FormatterName"] = "json",
                ["Logging:Console:FormatterOptions:IncludeScopes"] = "true",
                ["Logging:Console:FormatterOptions:UseUtcTimestamp"] = "true",
                ["Logging:Console:FormatterOptions:TimestampFormat"] = "yyyy-MM-ddTHH:mm:ss.fffZ",
            };

    public static IHostApplicationBuilder AddCharityDayDefaults(this IHostApplicationBuilder builder)
    {
        // Lowest precedence: the host's own appsettings.json is not found when it runs from
        // another directory, and these must hold then too.
        var console = ConsoleDefaults(builder.Configuration[LogFormatKey], outputIsTerminal: !Console.IsOutputRedirected);
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = ConfigurationDefaults.Concat(console) });
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        // Only the standard variable turns OTLP on; there is no console exporter at all.
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
                    // campaign × method: the SDK's default 2,000 series would fold a silo's writer calls into
                    // one overflow series after ~130 campaigns; 20,000 covers every campaign a silo has hosted.
                    .AddView("charityday.campaign.writer.calls", new MetricStreamConfiguration { CardinalityLimit = 20_000 })
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        // Spans cost CPU on every request even when nobody collects them: without an OTLP endpoint
        // there is no tracing at all. With one, OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG (read by
        // the SDK) choose how many requests are traced at peak (docs/operations.md).
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing.AddSource(Sources)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/metrics") && !http.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter());
        }

        builder.Services.AddHealthChecks();
        builder.Services.AddOptions<ShutdownDrainOptions>()
            .BindConfiguration(ShutdownDrainOptions.Section)
            .Validate(o => o.ShutdownDrainSeconds is >= 0 and <= ShutdownDrainOptions.MaxDrainSeconds,
                $"CharityDay:ShutdownDrainSeconds must be 0..{ShutdownDrainOptions.MaxDrainSeconds}")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<ShutdownDrain>();
        return builder;
    }

    /// <summary>
    /// Where the server listens: the public URLs (ASPNETCORE_URLS / --urls, else
    /// <paramref name="defaultPublicUrls"/>) and, when CharityDay:ManagementUrls is set, those too
    /// (<see cref="ManagementPort"/>).
    /// </summary>
    public static WebApplicationBuilder ListenOnCharityDayUrls(this WebApplicationBuilder builder, string defaultPublicUrls)
    {
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(defaultPublicUrls);
        }
        ManagementPort.Listen(builder, defaultPublicUrls);
        return builder;
    }

    /// <summary>
    /// Three signals: liveness runs no check at all (the process answers HTTP: restarting it would
    /// not fix a slow database); readiness checks what serving needs (tagged <see cref="ReadyTag"/>)
    /// and fails from the moment shutdown begins; startup says the silo came up (tagged
    /// <see cref="StartupTag"/>).
    /// </summary>
    public static WebApplication MapCharityDayDefaults(this WebApplication app)
    {
        ManagementPort.Use(app);
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) });
        app.MapHealthChecks("/health/startup", new HealthCheckOptions { Predicate = c => c.Tags.Contains(StartupTag) });
        return app;
    }
}
