using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using HdrHistogram;

namespace CharityDay.LoadTests;

/// <summary>
/// One live pool change of scenario e. Times are Unix milliseconds on this machine's clock (the host's
/// <c>acceptedAt</c> uses the same clock): <c>SentMs</c> is read just before the request goes out, <c>AckMs</c>
/// just after its answer arrived. <c>Status</c> 0 means a timeout or transport error (outcome unknown).
/// </summary>
internal sealed record PatchEvent(string Kind, long SentMs, long AckMs, int Status, double LatencyMs);

/// <summary>
/// Scenario e: a manager PATCHes the pool every <see cref="BenchOptions.PatchEvery"/> while the donations
/// flow — pause, resume, top-up, ratio 1:2, ratio 1:1, and again. Each PATCH's latency goes into a histogram,
/// and the timeline lets the verification check SPEC §3 invariant 4 against every acknowledged donation.
/// </summary>
internal sealed class PoolPatcher(HttpClient manager, string poolId, BenchOptions options)
{
    public const int HalfRatioBps = 5_000;
    public const int FullRatioBps = 10_000;

    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    private static readonly (string Kind, PoolPatch Body)[] Cycle =
    [
        ("pause", new PoolPatch(Paused: true)),
        ("resume", new PoolPatch(Paused: false)),
        ("top-up", new PoolPatch(BudgetDelta: 0)), // the delta is set from the options
        ("ratio-5000", new PoolPatch(RatioBps: HalfRatioBps)),
        ("ratio-10000", new PoolPatch(RatioBps: FullRatioBps)),
    ];

    public LongHistogram Latency { get; } = new(WorkerStats.HighestLatencyMicros, 3);

    public List<PatchEvent> Events { get; } = [];

    public Dictionary<int, string> ErrorSamples { get; } = [];

    public async Task RunAsync(TimeSpan runFor, CancellationToken stop)
    {
        var every = options.PatchEvery ?? TimeSpan.FromSeconds(1);
        var started = Stopwatch.GetTimestamp();
        try
        {
            // One change, then a full interval of traffic under it, then the next: a slow PATCH delays the
            // next one instead of shrinking the interval the invariant-4 checks look at.
            for (var k = 0; ; k++)
            {
                await Task.Delay(every, stop);
                // Leave the last interval free of changes so that the run ends in a settled state.
                if (Stopwatch.GetElapsedTime(started) + every > runFor)
                {
                    break;
                }

                var (kind, body) = Cycle[k % Cycle.Length];
                if (kind == "top-up")
                {
                    body = new PoolPatch(BudgetDelta: options.TopUpFen);
                }

                await SendAsync(kind, body);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SendAsync(string kind, PoolPatch body)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(body, WireJson.Default.PoolPatch);
        var sent = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var t0 = Stopwatch.GetTimestamp();
        var status = 0;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Patch, $"v1/admin/pools/{poolId}");
            request.Content = new ByteArrayContent(payload);
            request.Content.Headers.ContentType = JsonType;
            using var response = await manager.SendAsync(request);
            var answer = await response.Content.ReadAsByteArrayAsync();
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                ErrorSamples.TryAdd(status, HttpJson.Snippet(answer));
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            ErrorSamples.TryAdd(0, ex.Message);
        }

        var elapsed = Stopwatch.GetElapsedTime(t0);
        var ack = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Latency.RecordValue(Math.Clamp((long)elapsed.TotalMicroseconds, 0, WorkerStats.HighestLatencyMicros));
        Events.Add(new PatchEvent(kind, sent, ack, status, elapsed.TotalMilliseconds));
    }

    /// <summary>
    /// Intervals (start, end) of Unix ms in which every acknowledged donation must have been matched under
    /// one known setting. A window opens at the acknowledgement of a change (it took effect before its 200)
    /// and closes when the next opposite change is sent (it cannot have taken effect earlier). A donation is
    /// inside when <c>start &lt; acceptedAt</c> and <c>acceptedAt &lt; end</c> (acceptedAt is truncated to the ms).
    /// </summary>
    public static List<(string State, long Start, long End)> Windows(IReadOnlyList<PatchEvent> events)
    {
        var windows = new List<(string, long, long)>();
        long? pausedSince = null;
        long? ratioSince = long.MinValue; // the pool starts at 1:1
        var ratio = FullRatioBps;
        foreach (var e in events)
        {
            switch (e.Kind)
            {
                case "pause":
                    pausedSince ??= e.Status == 200 ? e.AckMs : null;
                    break;
                case "resume":
                    if (pausedSince is { } p)
                    {
                        windows.Add(("paused", p, e.SentMs));
                    }

                    pausedSince = null;
                    break;
                case "ratio-5000" or "ratio-10000":
                    var next = e.Kind == "ratio-5000" ? HalfRatioBps : FullRatioBps;
                    if (ratioSince is { } r)
                    {
                        windows.Add(($"ratio-{ratio}", r, e.SentMs));
                    }

                    ratio = next;
                    ratioSince = e.Status == 200 ? e.AckMs : null;
                    break;
            }
        }

        if (pausedSince is { } open)
        {
            windows.Add(("paused", open, long.MaxValue));
        }

        if (ratioSince is { } last)
        {
            windows.Add(($"ratio-{ratio}", last, long.MaxValue));
        }

        return windows;
    }

    public static string Describe(PatchEvent e) =>
        string.Create(CultureInfo.InvariantCulture, $"{e.Kind} sent {e.SentMs} ack {e.AckMs} status {e.Status} ({e.LatencyMs:0.0} ms)");
}

/// <summary>Scenario d: polls the pool while the load runs and notes when it first reports 0 remaining.</summary>
internal sealed class PoolWatcher(HttpClient manager, string poolId)
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(250);

    public double? ExhaustedAtSeconds { get; private set; }

    public async Task RunAsync(long startedTimestamp, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested && ExhaustedAtSeconds is null)
            {
                try
                {
                    var body = await HttpJson.SendOkAsync(manager, HttpMethod.Get, $"v1/admin/pools/{poolId}", null, stop);
                    if (JsonSerializer.Deserialize(body, WireJson.Default.PoolRead) is { Remaining: 0 })
                    {
                        ExhaustedAtSeconds = Math.Round(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, 2);
                        break;
                    }
                }
                catch (Exception ex) when (ex is ApiException or HttpRequestException or JsonException)
                {
                    // try again at the next tick
                }

                await Task.Delay(Every, stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
