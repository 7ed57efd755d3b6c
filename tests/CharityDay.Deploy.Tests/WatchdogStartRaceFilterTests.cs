using CharityDay.Host;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CharityDay.Deploy.Tests;

/// <summary>Orleans' watchdog start race (a "stall" as long as the machine's uptime) is dropped; real stalls are not.</summary>
public sealed class WatchdogStartRaceFilterTests
{
    // Orleans 10.4.2's message, placeholder name included (Watchdog.LogWarningParticipantCheckThreadStalled).
    private const string Stalled = "Participant check thread has not completed for {TimeSinceLastTick}, potentially indicating lock contention or deadlock, CPU starvation, or another execution anomaly.";

    private sealed class Capture : ILoggerProvider
    {
        public List<string> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(Capture capture, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (capture.Lines)
                {
                    capture.Lines.Add($"{category}: {formatter(state, exception)}");
                }
            }
        }
    }

    private static (ILoggerFactory Factory, Capture Capture, ServiceProvider Services) Logging()
    {
        var capture = new Capture();
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.AddProvider(capture);
            logging.DropWatchdogStartRace();
        });
        var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<ILoggerFactory>(), capture, provider);
    }

    [Fact]
    public void The_start_race_figure_longer_than_the_process_has_run_is_dropped()
    {
        var (factory, capture, services) = Logging();
        using var _ = services;
        var watchdog = factory.CreateLogger(WatchdogStartRaceFilter.Category);
        watchdog.LogWarning(Stalled, TimeSpan.FromDays(3));
        Assert.Empty(capture.Lines);
    }

    [Fact]
    public void A_real_stall_other_watchdog_warnings_and_other_categories_go_through()
    {
        var (factory, capture, services) = Logging();
        using var _ = services;
        var watchdog = factory.CreateLogger(WatchdogStartRaceFilter.Category);
        watchdog.LogWarning(Stalled, TimeSpan.FromMilliseconds(1));
        watchdog.LogWarning(".NET Runtime Platform stalled for {TimeSinceLastTick}", TimeSpan.FromDays(3));
        factory.CreateLogger("Orleans.Runtime.Other").LogWarning(Stalled, TimeSpan.FromDays(3));
        Assert.Equal(3, capture.Lines.Count);
        Assert.Contains("00:00:00.001", capture.Lines[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(WatchdogStartRaceFilter.Category, 3600.0, 60.0, true)]
    [InlineData(WatchdogStartRaceFilter.Category, 30.0, 60.0, false)]
    [InlineData("Orleans.Runtime.Silo", 3600.0, 60.0, false)]
    public void Only_the_watchdogs_impossible_figure_counts_as_the_race(string category, double stalledSeconds, double runningSeconds, bool race)
    {
        var now = DateTimeOffset.UtcNow;
        var state = new List<KeyValuePair<string, object?>>
        {
            new("TimeSinceLastTick", TimeSpan.FromSeconds(stalledSeconds)),
            new("{OriginalFormat}", Stalled),
        };
        Assert.Equal(race, WatchdogStartRaceFilter.IsStartRace(category, state, now.AddSeconds(-runningSeconds), now));
    }
}
