using System.Diagnostics;

namespace CharityDay.Host;

/// <summary>
/// Drops one false warning of Orleans 10.4.2's silo watchdog. Its Start() starts the platform thread
/// before it starts the component-check clock; when the platform thread looks first, it reads that
/// clock unstarted and warns "Participant check thread has not completed for {TimeSinceLastTick}…"
/// with the machine's uptime as the figure (the monotonic clock since boot, so it grows with the wall
/// clock). A stall longer than this process has lived cannot be real, so exactly those are dropped;
/// every other watchdog warning, this one with a possible figure included, goes through
/// (docs/operations.md, Logs).
/// </summary>
public static class WatchdogStartRaceFilter
{
    public const string Category = "Orleans.Runtime.Watchdog";
    private const string StalledMessagePrefix = "Participant check thread has not completed for";

    /// <summary>Wraps every logger provider registered so far: call after the providers are added.</summary>
    public static ILoggingBuilder DropWatchdogStartRace(this ILoggingBuilder logging)
    {
        var services = logging.Services;
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(ILoggerProvider) || descriptor.IsKeyedService)
            {
                continue;
            }
            services[i] = ServiceDescriptor.Singleton<ILoggerProvider>(sp => new Provider(Create(sp, descriptor), ProcessStart()));
        }
        return logging;
    }

    /// <summary>True for the impossible first-look figure: a stall longer than the process has run.</summary>
    public static bool IsStartRace<TState>(string category, TState state, DateTimeOffset processStart, DateTimeOffset now)
    {
        if (category != Category || state is not IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            return false;
        }
        var format = values.FirstOrDefault(v => v.Key == "{OriginalFormat}").Value as string;
        return format is not null && format.StartsWith(StalledMessagePrefix, StringComparison.Ordinal)
            && values.FirstOrDefault(v => v.Key == "TimeSinceLastTick").Value is TimeSpan stalled
            && stalled > now - processStart;
    }

    private static DateTimeOffset ProcessStart()
    {
        using var process = Process.GetCurrentProcess();
        return process.StartTime.ToUniversalTime();
    }

    private static ILoggerProvider Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        (ILoggerProvider)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.GetServiceOrCreateInstance(services, descriptor.ImplementationType!));

    private sealed class Provider(ILoggerProvider inner, DateTimeOffset processStart) : ILoggerProvider, ISupportExternalScope
    {
        public ILogger CreateLogger(string categoryName)
        {
            var logger = inner.CreateLogger(categoryName);
            return categoryName == Category ? new Logger(logger, processStart) : logger;
        }

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => (inner as ISupportExternalScope)?.SetScopeProvider(scopeProvider);

        public void Dispose() => inner.Dispose();
    }

    private sealed class Logger(ILogger inner, DateTimeOffset processStart) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsStartRace(Category, state, processStart, DateTimeOffset.UtcNow))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
