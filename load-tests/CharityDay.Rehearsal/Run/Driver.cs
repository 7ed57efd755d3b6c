using CharityDay.Rehearsal.Scenario;

namespace CharityDay.Rehearsal.Run;

public enum LoadMode
{
    /// <summary>Each request leaves at its planned time whatever the answers do; latency counts from that time.</summary>
    Open,

    /// <summary>A fixed number of workers; each sends its next request when the previous answer is in (and not before it is due).</summary>
    Closed,
}

public sealed record DriverOptions(LoadMode Mode, int Workers, int MaxInFlight, int MaxRetries, TimeSpan RetryGrace);

/// <summary>Plays the planned requests against the API, open-loop or closed-loop.</summary>
public sealed class Driver
{
    private const string WrongKey = "rehearsal-not-a-key-0000000000000000";
    private readonly ScenarioPlan _plan;
    private readonly RunTarget _target;
    private readonly DriverOptions _options;
    private readonly RunClock _clock;
    private readonly LiveStats _live;
    private readonly Sender _sender;
    private readonly EventResult[] _results;
    private readonly TaskCompletionSource[] _done;

    public Driver(Api api, ScenarioPlan plan, RunTarget target, DriverOptions options, RunClock clock, LiveStats live)
    {
        _plan = plan;
        _target = target;
        _options = options;
        _clock = clock;
        _live = live;
        var deadline = (long)((plan.Shape.Seconds + options.RetryGrace.TotalSeconds) * 1_000_000);
        _sender = new Sender(api, clock, live, options.MaxRetries, deadline);
        _results = [.. plan.Events.Select(_ => new EventResult())];
        _done = [.. plan.Events.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))];
    }

    public IReadOnlyList<EventResult> Results => _results;

    public async Task RunAsync(CancellationToken stop)
    {
        if (_options.Mode == LoadMode.Open)
        {
            await RunOpenAsync(stop);
        }
        else
        {
            await RunClosedAsync(stop);
        }
    }

    private async Task RunOpenAsync(CancellationToken stop)
    {
        // Bounded: beyond MaxInFlight the dispatcher waits, and the wait shows in the latency,
        // which counts from the planned send time (no coordinated omission).
        using var inFlight = new SemaphoreSlim(_options.MaxInFlight);
        var running = new List<Task>(_plan.Events.Count);
        foreach (var e in _plan.Events)
        {
            if (stop.IsCancellationRequested)
            {
                break;
            }

            await _clock.WaitUntilAsync(e.OffsetMicros, CancellationToken.None);
            await inFlight.WaitAsync(CancellationToken.None);
            running.Add(RunOneAsync(e, inFlight));
        }

        await Task.WhenAll(running);
        SkipUnsent();
    }

    private async Task RunClosedAsync(CancellationToken stop)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, _options.Workers).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < _plan.Events.Count && !stop.IsCancellationRequested)
            {
                var e = _plan.Events[i];
                await _clock.WaitUntilAsync(e.OffsetMicros, CancellationToken.None);
                await RunOneAsync(e, null);
            }
        }));
        SkipUnsent();
    }

    private void SkipUnsent()
    {
        foreach (var e in _plan.Events)
        {
            if (_results[e.Index].Outcome == Outcome.Pending)
            {
                _results[e.Index].Outcome = Outcome.Skipped;
                _done[e.Index].TrySetResult();
            }
        }
    }

    private async Task RunOneAsync(PlannedEvent e, SemaphoreSlim? inFlight)
    {
        var result = _results[e.Index];
        try
        {
            await ExecuteAsync(e, result);
            if (result.Outcome == Outcome.Accepted)
            {
                _live.AddAccepted();
                _live.RecordLatency(result.DoneMicros - e.OffsetMicros);
            }
        }
        catch (Exception ex)
        {
            result.Outcome = Outcome.Unknown;
            result.ErrorSample ??= ex.GetType().Name + ": " + ex.Message;
        }
        finally
        {
            inFlight?.Release();
            _done[e.Index].TrySetResult();
        }
    }

    private async Task ExecuteAsync(PlannedEvent e, EventResult result)
    {
        var key = _target.PartnerSecrets[e.Partner];
        if (e.RefersTo >= 0)
        {
            await _done[e.RefersTo].Task;
            if (_results[e.RefersTo].Outcome != Outcome.Accepted)
            {
                result.Outcome = Outcome.Skipped;
                return;
            }
        }

        switch (e.Kind)
        {
            case EventKind.Refund:
                var path = $"v1/donations/{e.DonationId}/refund";
                await _sender.SendAsync(HttpMethod.Post, path, null, key, 0, result);
                if (result.Outcome == Outcome.Accepted && e.Index % 10 == 0)
                {
                    // Some partners refund twice: the second must be a no-op with the same result.
                    var again = new EventResult();
                    await _sender.SendAsync(HttpMethod.Post, path, null, key, 0, again);
                    result.SecondStatus = again.Status;
                    result.SecondAnswer = again.Answer;
                }

                break;
            case EventKind.Bad:
                await _sender.SendAsync(HttpMethod.Post, "v1/donations", Wire.DonationBody(e), e.Bad == BadKind.BadKey ? WrongKey : key, 0, result);
                break;
            default:
                await _sender.SendAsync(HttpMethod.Post, "v1/donations", Wire.DonationBody(e), key, e.ImpatientMs, result);
                break;
        }
    }
}
