using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CharityDay.ServiceDefaults;

public sealed class ShutdownDrainOptions
{
    public const string Section = "CharityDay";
    /// <summary>Below the host's default 30 s shutdown timeout, which also bounds the silo's own stop.</summary>
    public const int MaxDrainSeconds = 20;

    /// <summary>
    /// Seconds between the shutdown signal and the server closing, with readiness failing all
    /// along: a load balancer that probes readiness stops sending requests before they would be
    /// refused. 0 (the default) closes at once.
    /// </summary>
    public int ShutdownDrainSeconds { get; set; }
}

/// <summary>
/// Holds shutdown in the window where the application is stopping (readiness answers 503) but
/// nothing has stopped yet (HTTP and the silo still serve). Bounded by <see cref="ShutdownDrainOptions.MaxDrainSeconds"/>.
/// </summary>
public sealed class ShutdownDrain(IOptions<ShutdownDrainOptions> options, TimeProvider time, ILogger<ShutdownDrain> logger) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var drain = TimeSpan.FromSeconds(options.Value.ShutdownDrainSeconds);
        if (drain <= TimeSpan.Zero)
        {
            return;
        }
        logger.LogInformation("Shutting down: readiness fails now, serving goes on for {DrainSeconds} s", drain.TotalSeconds);
        try
        {
            await Task.Delay(drain, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out: stop now.
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
