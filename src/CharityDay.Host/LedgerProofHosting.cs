using System.Globalization;
using CharityDay.Contracts;
using CharityDay.Grains.Transparency;
using CharityDay.Storage.Ledger;
using Microsoft.Extensions.Options;

namespace CharityDay.Host;

/// <summary>SPEC §6 in the host: the checkpoint interval (<c>CharityDay__CheckpointInterval</c>) and the sweep that keeps every campaign's sealer running.</summary>
public static class LedgerProofHosting
{
    public const string IntervalKey = "CharityDay:CheckpointInterval";

    public static void AddLedgerProof(this IServiceCollection services, IConfiguration configuration)
    {
        var text = configuration[IntervalKey];
        services.AddOptions<CheckpointOptions>()
            .Configure(o =>
            {
                if (text is { Length: > 0 })
                {
                    o.Interval = ParseInterval(text) ?? TimeSpan.Zero;
                }
            })
            .Validate(o => o.Interval >= CheckpointOptions.MinInterval,
                $"{IntervalKey} must be a duration of at least one second: seconds (\"5\"), \"5s\", \"10m\", \"1h\" or hh:mm:ss (got \"{text}\")")
            .ValidateOnStart();
        services.AddHostedService<CheckpointSweep>();
    }

    /// <summary>Seconds ("30"), a number with a unit ("500ms", "30s", "10m", "1h"), a TimeSpan ("01:00:00") or ISO 8601 ("PT30S").</summary>
    public static TimeSpan? ParseInterval(string text)
    {
        text = text.Trim();
        foreach (var (suffix, unit) in new[] { ("ms", TimeSpan.FromMilliseconds(1)), ("s", TimeSpan.FromSeconds(1)), ("m", TimeSpan.FromMinutes(1)), ("h", TimeSpan.FromHours(1)) })
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var count) && count > 0)
            {
                return unit * count;
            }
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero)
        {
            return span;
        }
        try
        {
            // ISO 8601 (PT30S, PT1H), as some deployment tools write durations.
            var iso = System.Xml.XmlConvert.ToTimeSpan(text);
            return iso > TimeSpan.Zero ? iso : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>
/// Starts the sealer of every campaign with unsealed events, at silo start and then every few minutes.
/// A sealer lives as long as its silo (its timer keeps it active); this sweep brings it back on another
/// silo after its silo is gone, even if no donation wakes its campaign. Starting is idempotent, so every
/// silo sweeping is harmless.
/// </summary>
public sealed class CheckpointSweep(IGrainFactory grains, ILedgerStore ledger, IOptions<CheckpointOptions> options,
    IHostApplicationLifetime lifetime, ILogger<CheckpointSweep> logger) : BackgroundService
{
    private static readonly TimeSpan MaxPeriod = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        var period = options.Value.Interval < MaxPeriod ? options.Value.Interval : MaxPeriod;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var campaignId in await ledger.CampaignIdsAsync(stoppingToken))
                {
                    var last = await ledger.LastEventSeqAsync(campaignId, stoppingToken);
                    if (last > ((await ledger.LastCheckpointAsync(campaignId, stoppingToken))?.LastEvent ?? 0))
                    {
                        await grains.GetGrain<ICheckpointSealerGrain>(campaignId).Start();
                    }
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "The checkpoint sweep could not start every sealer; it tries again in {Period}", period);
            }
            try
            {
                await Task.Delay(period, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
