using CharityDay.Rehearsal.Scenario;
using HdrHistogram;

namespace CharityDay.Rehearsal.Run;

public enum Outcome
{
    Pending,

    /// <summary>2xx: the API acknowledged it.</summary>
    Accepted,

    /// <summary>A definitive refusal (4xx, or 429 after the last retry): nothing was accepted.</summary>
    Refused,

    /// <summary>Timeout, transport error, 408 or 5xx after the last retry; looked up after the run.</summary>
    Unknown,

    /// <summary>A follow-up whose donation was never acknowledged (nothing to redeliver, refund or conflict with).</summary>
    Skipped,
}

/// <summary>What happened to one planned event. Written by the one task that runs the event.</summary>
public sealed class EventResult
{
    public Outcome Outcome { get; set; }
    public int Status { get; set; }
    public int Attempts { get; set; }
    public long FirstSendMicros { get; set; } = -1;
    public long DoneMicros { get; set; }

    /// <summary>Duration of the last attempt alone (what a closed-loop tool would report).</summary>
    public long ServiceMicros { get; set; }

    public bool ProblemJson { get; set; }
    public DonationAnswer? Answer { get; set; }

    /// <summary>The answer to an impatient first attempt that arrived after the gateway gave up.</summary>
    public DonationAnswer? LostAnswer { get; set; }

    /// <summary>A refund posted a second time: it must be a no-op with the same result.</summary>
    public DonationAnswer? SecondAnswer { get; set; }

    public int SecondStatus { get; set; }

    /// <summary>The outcome was unknown and a lookup after the run settled it.</summary>
    public bool ResolvedByLookup { get; set; }

    public string? ErrorSample { get; set; }
}

/// <summary>A manager's change as it happened, on the run's clock and on the wall clock.</summary>
public sealed record ManagerResult(ManagerAction Action, long SentMicros, long AnsweredMicros, DateTimeOffset SentUtc, int Status, string Detail,
    IReadOnlyDictionary<string, long> ReturnedByDonor);

/// <summary>The pools as the public campaign read showed them at one moment of the run.</summary>
public sealed record PoolSample(long AtMicros, string PoolId, long BudgetFen, long MatchedFen, long RemainingFen, bool Paused);

/// <summary>Everything the load phase produced.</summary>
public sealed record RunLog(
    ScenarioPlan Plan,
    RunTarget Target,
    string Mode,
    DateTimeOffset StartedUtc,
    long LoadMicros,
    IReadOnlyList<EventResult> Results,
    IReadOnlyList<ManagerResult> Manager,
    IReadOnlyList<PoolSample> PoolSamples,
    long[] AttemptErrorsBySecond,
    long[] RetriesBySecond)
{
    public const long HighestLatencyMicros = 120_000_000;

    public static LongHistogram NewHistogram() => new(1, HighestLatencyMicros, 3);
}

/// <summary>Counters the progress printer reads while the run is going.</summary>
public sealed class LiveStats(int seconds)
{
    private readonly Recorder _latency = HistogramFactory.With64BitBucketSize()
        .WithValuesFrom(1).WithValuesUpTo(RunLog.HighestLatencyMicros).WithPrecisionOf(3)
        .WithThreadSafeWrites().WithThreadSafeReads().Create();

    private long _sent;
    private long _accepted;
    private long _errors;

    public long[] AttemptErrorsBySecond { get; } = new long[seconds];
    public long[] RetriesBySecond { get; } = new long[seconds];

    public long Sent => Interlocked.Read(ref _sent);
    public long Accepted => Interlocked.Read(ref _accepted);
    public long Errors => Interlocked.Read(ref _errors);

    public void AddSent() => Interlocked.Increment(ref _sent);

    public void AddAccepted() => Interlocked.Increment(ref _accepted);

    public void AddAttemptError(long atMicros)
    {
        Interlocked.Increment(ref _errors);
        Interlocked.Increment(ref AttemptErrorsBySecond[Second(atMicros)]);
    }

    public void AddRetry(long atMicros) => Interlocked.Increment(ref RetriesBySecond[Second(atMicros)]);

    public void RecordLatency(long micros) => _latency.RecordValue(Math.Clamp(micros, 1, RunLog.HighestLatencyMicros));

    /// <summary>Latency recorded since the previous call.</summary>
    public HistogramBase TakeInterval() => _latency.GetIntervalHistogram();

    private int Second(long micros) => (int)Math.Clamp(micros / 1_000_000, 0, AttemptErrorsBySecond.Length - 1);
}
