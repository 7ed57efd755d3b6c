using System.Diagnostics;

namespace CharityDay.Rehearsal.Run;

/// <summary>Microseconds since the start of the day, from the monotonic clock.</summary>
public sealed class RunClock
{
    private readonly long _start = Stopwatch.GetTimestamp();

    public DateTimeOffset StartedUtc { get; } = DateTimeOffset.UtcNow;

    public long NowMicros => (long)Stopwatch.GetElapsedTime(_start).TotalMicroseconds;

    /// <summary>Waits until <paramref name="atMicros"/>: sleeps while far, then yields, so sends land within about a millisecond.</summary>
    public async Task WaitUntilAsync(long atMicros, CancellationToken ct)
    {
        while (true)
        {
            var left = atMicros - NowMicros;
            if (left <= 0)
            {
                return;
            }

            if (left > 2_000)
            {
                await Task.Delay(TimeSpan.FromMicroseconds(left - 1_000), ct);
            }
            else
            {
                await Task.Yield();
            }
        }
    }
}
