using System.Diagnostics;

namespace CharityDay.Api.ReadSide;

/// <summary>
/// Single-flight refresh of one silo-local copy: callers that need a copy fetched after a given
/// moment share one fetch, fetches run one at a time and start at most every <c>minInterval</c>,
/// so any number of callers costs at most one fetch per interval. Thread-safe.
/// </summary>
public sealed class FreshnessGate(TimeSpan minInterval, TimeProvider time)
{
    private readonly Lock _sync = new();
    private Task? _inFlight;
    private long _lastStarted = long.MinValue;
    private long _lastCompletedStart = long.MinValue;
    private DateTimeOffset _lastCompletedWallClock = DateTimeOffset.MinValue;

    /// <summary>The wall clock when the last completed fetch started: everything acknowledged before it is in the copy.</summary>
    public DateTimeOffset AsOf => _lastCompletedWallClock;

    /// <summary>Milliseconds since the last completed fetch started (infinite before the first).</summary>
    public double AgeMs => _lastCompletedStart == long.MinValue ? double.PositiveInfinity : Stopwatch.GetElapsedTime(_lastCompletedStart).TotalMilliseconds;

    /// <summary>Returns once a fetch that started at or after <paramref name="neededAfter"/> (a Stopwatch timestamp) has completed.</summary>
    public async Task RefreshAsync(long neededAfter, Func<Task> fetch)
    {
        while (true)
        {
            Task wait;
            lock (_sync)
            {
                if (_lastCompletedStart >= neededAfter)
                {
                    return;
                }
                wait = _inFlight ??= RunAsync(fetch);
            }
            await wait;
        }
    }

    /// <summary>Starts a fetch unless one is running; never waits for it.</summary>
    public void RefreshInBackground(Func<Task> fetch)
    {
        lock (_sync)
        {
            if (_inFlight is null)
            {
                _inFlight = RunAsync(fetch);
                // Nobody awaits a background fetch: its failure is counted by the fetch itself, and
                // the next reader tries again.
                _inFlight.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
    }

    private async Task RunAsync(Func<Task> fetch)
    {
        await Task.Yield(); // never run the fetch under the caller's lock
        try
        {
            var last = Interlocked.Read(ref _lastStarted);
            if (last != long.MinValue && minInterval - Stopwatch.GetElapsedTime(last) is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait, time);
            }
            var started = Stopwatch.GetTimestamp();
            var wallClock = time.GetUtcNow();
            Interlocked.Exchange(ref _lastStarted, started);
            await fetch();
            lock (_sync)
            {
                _lastCompletedStart = started;
                _lastCompletedWallClock = wallClock;
            }
        }
        finally
        {
            lock (_sync)
            {
                _inFlight = null;
            }
        }
    }
}
