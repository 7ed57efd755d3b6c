using System.Globalization;
using System.Text.Json;
using CharityDay.Rehearsal.Scenario;

namespace CharityDay.Rehearsal.Run;

/// <summary>
/// Reads the campaign (public read) every <see cref="SampleEvery"/> to follow the pools, and prints a
/// progress line: target and actual rates, errors, latency of the last interval, pools remaining.
/// </summary>
public sealed class Monitor(Api api, ScenarioPlan plan, RunTarget target, RunClock clock, LiveStats live, TimeSpan printEvery)
{
    public static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(500);

    private readonly List<PoolSample> _samples = [];

    public IReadOnlyList<PoolSample> Samples => _samples;

    public async Task RunAsync(CancellationToken stop)
    {
        var c = CultureInfo.InvariantCulture;
        long lastSent = 0, lastAccepted = 0, lastErrors = 0, lastPrint = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(SampleEvery, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var pools = await SampleAsync();
            var now = clock.NowMicros;
            if (now - lastPrint < (long)printEvery.TotalMicroseconds)
            {
                continue;
            }

            var seconds = (now - lastPrint) / 1e6;
            long sent = live.Sent, accepted = live.Accepted, errors = live.Errors;
            var latency = live.TakeInterval();
            var p50 = latency.TotalCount == 0 ? 0 : latency.GetValueAtPercentile(50) / 1000.0;
            var p99 = latency.TotalCount == 0 ? 0 : latency.GetValueAtPercentile(99) / 1000.0;
            var poolText = string.Join("  ", pools.Select(p => string.Create(c, $"{Short(p.PoolId)} {p.RemainingFen / 100.0:N0}{(p.Paused ? " (paused)" : "")}")));
            Console.WriteLine(string.Create(c,
                $"  [{now / 1e6,5:0.0}s] target {plan.Shape.RateAt(now / 1e6),7:N0}/s  sent {(sent - lastSent) / seconds,7:N0}/s  acked {(accepted - lastAccepted) / seconds,7:N0}/s  errors {errors - lastErrors,5:N0}  p50 {p50,6:N1} ms  p99 {p99,7:N1} ms  | pools left (yuan): {poolText}"));
            (lastSent, lastAccepted, lastErrors, lastPrint) = (sent, accepted, errors, now);
        }
    }

    /// <summary>One more sample, e.g. at quiescence after the load.</summary>
    public async Task<IReadOnlyList<PoolSample>> SampleAsync()
    {
        var at = clock.NowMicros;
        try
        {
            var answer = await api.SendAsync(HttpMethod.Get, $"v1/campaigns/{target.CampaignId}", null, null, CancellationToken.None);
            var campaign = answer.Ok ? JsonSerializer.Deserialize(answer.Body, WireJson.Default.CampaignAnswer) : null;
            var samples = campaign?.Pools.Select(p => new PoolSample(at, p.PoolId ?? "?", p.Budget, p.Matched, p.Remaining, p.Paused)).ToList() ?? [];
            lock (_samples)
            {
                _samples.AddRange(samples);
            }

            return samples;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return [];
        }
    }

    private string Short(string poolId) => poolId.StartsWith(target.CampaignId + "-", StringComparison.Ordinal) ? poolId[(target.CampaignId.Length + 1)..] : poolId;
}
