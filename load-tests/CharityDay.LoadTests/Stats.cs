using HdrHistogram;

namespace CharityDay.LoadTests;

/// <summary>What one worker saw. Owned by that worker alone; merged after the run.</summary>
internal sealed class WorkerStats
{
    /// <summary>Latencies up to one minute, in microseconds, three significant digits.</summary>
    public const long HighestLatencyMicros = 60_000_000;

    public LongHistogram Latency { get; } = new(HighestLatencyMicros, 3);

    public long Requests { get; set; }
    public long Retries { get; set; }
    public long Replays { get; set; }
    public long Accepted { get; set; }
    public long AcceptedAmount { get; set; }
    public long MatchedTotal { get; set; }
    public long Rejected { get; set; }

    /// <summary>
    /// When set (every donor gives once, the budget lasts), each acknowledged match must be exactly
    /// min(amount, this): <see cref="ExpectedMatched"/> sums that, <see cref="MatchMismatches"/> counts the others.
    /// </summary>
    public long? MatchCap { get; init; }
    public long ExpectedMatched { get; set; }
    public long MatchMismatches { get; set; }
    public string? MismatchSample { get; set; }
    public Dictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> ErrorSamples { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Every acknowledged donation, kept only when a pool is under test: the per-donor caps and the live
    /// changes of scenario e are checked against these after the run.
    /// </summary>
    public List<Acked>? Acks { get; set; }

    /// <summary>Donations whose outcome is unknown (timeout, transport error, 5xx): looked up after the run.</summary>
    public List<DonationRequest> Unresolved { get; } = [];

    public void RecordLatency(long micros) => Latency.RecordValue(Math.Clamp(micros, 0, HighestLatencyMicros));

    public void Accept(long amount, long matched)
    {
        Accepted++;
        AcceptedAmount += amount;
        MatchedTotal += matched;
        if (MatchCap is { } cap)
        {
            var expected = Math.Min(amount, cap);
            ExpectedMatched += expected;
            if (matched != expected)
            {
                MatchMismatches++;
                MismatchSample ??= $"amount {amount} matched {matched}, expected {expected}";
            }
        }
    }

    public void Error(string key, string? sample = null)
    {
        Errors[key] = Errors.GetValueOrDefault(key) + 1;
        if (sample is not null)
        {
            ErrorSamples.TryAdd(key, sample);
        }
    }

    public void MergeFrom(WorkerStats other)
    {
        Latency.Add(other.Latency);
        Requests += other.Requests;
        Retries += other.Retries;
        Replays += other.Replays;
        Accepted += other.Accepted;
        AcceptedAmount += other.AcceptedAmount;
        MatchedTotal += other.MatchedTotal;
        Rejected += other.Rejected;
        ExpectedMatched += other.ExpectedMatched;
        MatchMismatches += other.MatchMismatches;
        MismatchSample ??= other.MismatchSample;
        foreach (var (key, count) in other.Errors)
        {
            Errors[key] = Errors.GetValueOrDefault(key) + count;
        }

        foreach (var (key, sample) in other.ErrorSamples)
        {
            ErrorSamples.TryAdd(key, sample);
        }

        Unresolved.AddRange(other.Unresolved);
        if (other.Acks is not null)
        {
            (Acks ??= []).AddRange(other.Acks);
        }
    }

    /// <summary>Records an acknowledged donation for the after-run checks (when <see cref="Acks"/> is on).</summary>
    public void Track(DonationRequest request, DonationResponse? answer)
    {
        if (Acks is null || answer is null)
        {
            return;
        }

        var ratio = 0;
        foreach (var m in answer.Matches ?? [])
        {
            if (!m.Reversed && m.Amount > 0)
            {
                ratio = m.RatioBps;
            }
        }

        Acks.Add(new Acked(
            DonorIndex(request.Giver),
            request.Amount,
            answer.MatchedTotal,
            ratio,
            answer.AcceptedAt?.ToUnixTimeMilliseconds() ?? -1));
    }

    private static int DonorIndex(string donorId) =>
        int.TryParse(donorId.AsSpan(donorId.LastIndexOf('-') + 1), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var i) ? i : -1;
}

/// <summary>One acknowledged donation as the after-run checks need it. <c>RatioBps</c> is the ratio of its match (0 = no match).</summary>
internal readonly record struct Acked(int Donor, long Amount, long Matched, int RatioBps, long AcceptedAtMs);

/// <summary>Counters read by the progress printer while the workers run.</summary>
internal sealed class LiveCounters
{
    private long _requests;
    private long _accepted;
    private long _errors;

    public long Requests => Interlocked.Read(ref _requests);
    public long Accepted => Interlocked.Read(ref _accepted);
    public long Errors => Interlocked.Read(ref _errors);

    public void AddRequest() => Interlocked.Increment(ref _requests);
    public void AddAccepted(long n) => Interlocked.Add(ref _accepted, n);
    public void AddError() => Interlocked.Increment(ref _errors);
}

/// <summary>The merged outcome of the load phase (after the reconciliation of unknown outcomes).</summary>
internal sealed record RunResult(WorkerStats Totals, TimeSpan Elapsed, long LateAccepted, long NotAccepted, long StillUnknown);
