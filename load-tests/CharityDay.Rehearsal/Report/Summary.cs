using CharityDay.Rehearsal.Run;
using CharityDay.Rehearsal.Scenario;
using HdrHistogram;

namespace CharityDay.Rehearsal.Report;

public sealed record SecondRow(int Second, double TargetRate, long Planned, long Sent, long Acked, long Refused, long AttemptErrors, long Retries,
    double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs);

public sealed record PartnerRow(string PartnerId, long Requests, long Donations, long Acked, long RaisedFen, long MatchedFen, long Refunds,
    long Retries, long Replays, long BadRefused, long Unexpected, double P50Ms, double P99Ms);

/// <summary>The figures of a run: per second, per partner, overall. Latency from the planned send time (open loop) unless named "service".</summary>
public sealed class Summary
{
    public static readonly double[] Percentiles = [50, 75, 90, 95, 99, 99.9, 99.99, 100];

    private Summary(RunLog log)
    {
        Log = log;
    }

    public RunLog Log { get; }
    public LongHistogram Latency { get; } = RunLog.NewHistogram();
    public LongHistogram Service { get; } = RunLog.NewHistogram();
    public List<SecondRow> Seconds { get; } = [];
    public List<PartnerRow> Partners { get; } = [];
    public Dictionary<string, long> Outcomes { get; } = new(StringComparer.Ordinal);
    public long AttemptsSent { get; private set; }
    public long DonationsAcked { get; private set; }
    public long Unexpected { get; private set; }

    public double LoadSeconds => Log.LoadMicros / 1e6;

    public static Summary From(RunLog log)
    {
        var s = new Summary(log);
        var plan = log.Plan;
        var seconds = (int)Math.Ceiling(Math.Max(plan.Shape.Seconds, log.LoadMicros / 1e6));
        var bySecond = Enumerable.Range(0, seconds + 1).Select(_ => RunLog.NewHistogram()).ToArray();
        var planned = new long[seconds + 1];
        var sent = new long[seconds + 1];
        var acked = new long[seconds + 1];
        var refused = new long[seconds + 1];
        var partners = Population.Partners.Select(_ => (Hist: RunLog.NewHistogram(), Row: new long[10])).ToArray();
        int At(long micros) => (int)Math.Clamp(micros / 1_000_000, 0, seconds);

        foreach (var e in plan.Events)
        {
            var r = log.Results[e.Index];
            var p = partners[e.Partner].Row;
            planned[At(e.OffsetMicros)]++;
            s.AttemptsSent += r.Attempts;
            p[0]++;
            p[6] += Math.Max(0, r.Attempts - 1);
            var label = e.Kind == EventKind.Bad ? $"bad {e.Bad}: {r.Outcome}" : $"{e.Kind}{(e.Bot ? " (scripted)" : "")}: {r.Outcome}";
            s.Outcomes[label] = s.Outcomes.GetValueOrDefault(label) + 1;
            if (r.FirstSendMicros >= 0)
            {
                sent[At(r.FirstSendMicros)]++;
            }

            var answered = r.Outcome is Outcome.Accepted or Outcome.Refused && !r.ResolvedByLookup && r.FirstSendMicros >= 0;
            if (answered)
            {
                var latency = Math.Clamp(r.DoneMicros - e.OffsetMicros, 1, RunLog.HighestLatencyMicros);
                s.Latency.RecordValue(latency);
                s.Service.RecordValue(Math.Clamp(r.ServiceMicros, 1, RunLog.HighestLatencyMicros));
                bySecond[At(e.OffsetMicros)].RecordValue(latency);
                partners[e.Partner].Hist.RecordValue(latency);
            }

            var unexpected = e.Kind == EventKind.Bad ? r.Outcome == Outcome.Accepted : r.Outcome is Outcome.Refused or Outcome.Unknown;
            if (unexpected)
            {
                s.Unexpected++;
                p[9]++;
                refused[At(r.DoneMicros)]++;
            }

            switch (e.Kind)
            {
                case EventKind.Donate:
                    p[1]++;
                    if (r.Outcome == Outcome.Accepted && r.Answer is { } a)
                    {
                        s.DonationsAcked++;
                        p[2]++;
                        p[3] += a.Amount;
                        p[4] += a.MatchedTotal;
                        if (!r.ResolvedByLookup)
                        {
                            acked[At(r.DoneMicros)]++;
                        }

                        if (a.Replayed)
                        {
                            p[7]++;
                        }
                    }

                    break;
                case EventKind.Refund when r.Outcome == Outcome.Accepted:
                    p[5]++;
                    break;
                case EventKind.Redeliver when r.Answer?.Replayed == true:
                    p[7]++;
                    break;
                case EventKind.Bad when r.Outcome == Outcome.Refused:
                    p[8]++;
                    break;
            }
        }

        for (var i = 0; i <= seconds; i++)
        {
            var h = bySecond[i];
            double P(double q) => h.TotalCount == 0 ? 0 : h.GetValueAtPercentile(q) / 1000.0;
            s.Seconds.Add(new SecondRow(i, plan.Shape.RateAt(i + 0.5), planned[i], sent[i], acked[i], refused[i],
                log.AttemptErrorsBySecond.ElementAtOrDefault(i), log.RetriesBySecond.ElementAtOrDefault(i),
                P(50), P(90), P(99), P(99.9), h.TotalCount == 0 ? 0 : h.GetMaxValue() / 1000.0));
        }

        for (var i = 0; i < partners.Length; i++)
        {
            var (h, p) = partners[i];
            s.Partners.Add(new PartnerRow(Population.Partners[i].PartnerId, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9],
                h.TotalCount == 0 ? 0 : h.GetValueAtPercentile(50) / 1000.0, h.TotalCount == 0 ? 0 : h.GetValueAtPercentile(99) / 1000.0));
        }

        return s;
    }

    public static double Ms(HistogramBase h, double percentile) => h.TotalCount == 0 ? 0 : h.GetValueAtPercentile(percentile) / 1000.0;
}
