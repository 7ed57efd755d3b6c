using System.Globalization;
using System.Text;
using CharityDay.Rehearsal.Scenario;
using CharityDay.Rehearsal.Verdict;

namespace CharityDay.Rehearsal.Report;

/// <summary>The raw numbers behind the report, as CSV (invariant culture, money in fen, times in ms).</summary>
public static class CsvFiles
{
    public static IReadOnlyList<string> Write(string dir, Summary s, VerdictResult verdict)
    {
        var c = CultureInfo.InvariantCulture;
        var files = new List<string>();
        void Save(string name, string header, IEnumerable<string> rows)
        {
            var text = new StringBuilder(header).Append('\n');
            foreach (var row in rows)
            {
                text.Append(row).Append('\n');
            }

            File.WriteAllText(Path.Combine(dir, name), text.ToString());
            files.Add(name);
        }

        Save("timeseries.csv", "second,target_rate,planned,sent,acknowledged,failed,attempt_errors,retries,p50_ms,p90_ms,p99_ms,p999_ms,max_ms",
            s.Seconds.Select(r => string.Create(c, $"{r.Second},{r.TargetRate:0.##},{r.Planned},{r.Sent},{r.Acked},{r.Refused},{r.AttemptErrors},{r.Retries},{r.P50Ms:0.###},{r.P90Ms:0.###},{r.P99Ms:0.###},{r.P999Ms:0.###},{r.MaxMs:0.###}")));
        Save("latency-percentiles.csv", "percentile,latency_ms,service_ms",
            Summary.Percentiles.Select(p => string.Create(c, $"{p},{Summary.Ms(s.Latency, p):0.###},{Summary.Ms(s.Service, p):0.###}")));
        Save("pools.csv", "t_ms,pool_id,budget_fen,matched_fen,remaining_fen,paused",
            s.Log.PoolSamples.OrderBy(p => p.AtMicros).Select(p => string.Create(c, $"{p.AtMicros / 1000},{p.PoolId},{p.BudgetFen},{p.MatchedFen},{p.RemainingFen},{p.Paused}")));
        Save("partners.csv", "partner_id,requests,donations,acknowledged,raised_fen,matched_fen,refunds,retries,replays,bad_refused,failed,p50_ms,p99_ms",
            s.Partners.Select(p => string.Create(c, $"{p.PartnerId},{p.Requests},{p.Donations},{p.Acked},{p.RaisedFen},{p.MatchedFen},{p.Refunds},{p.Retries},{p.Replays},{p.BadRefused},{p.Unexpected},{p.P50Ms:0.###},{p.P99Ms:0.###}")));
        Save("manager-actions.csv", "sent_ms,answered_ms,action,pool,status,detail",
            s.Log.Manager.Select(m => string.Create(c, $"{m.SentMicros / 1000},{m.AnsweredMicros / 1000},{m.Action.Kind},{m.Action.PoolKey},{m.Status},{Quote(m.Detail)}")));
        Save("checks.csv", "check,passed,expected,actual",
            verdict.Checks.Select(k => $"{Quote(k.Name)},{k.Passed},{Quote(k.Expected)},{Quote(k.Actual)}"));
        Save("requests.csv", "index,kind,bad,partner_id,donation_id,project_id,donor_id,amount_fen,planned_ms,first_sent_ms,done_ms,attempts,outcome,status,latency_ms,service_ms,matched_fen,replayed",
            s.Log.Plan.Events.Select(e =>
            {
                var r = s.Log.Results[e.Index];
                var latency = r.FirstSendMicros >= 0 && !r.ResolvedByLookup ? ((r.DoneMicros - e.OffsetMicros) / 1000.0).ToString("0.###", c) : "";
                return string.Create(c,
                    $"{e.Index},{e.Kind}{(e.Bot ? "-scripted" : "")},{(e.Bad == BadKind.None ? "" : e.Bad)},{Population.Partners[e.Partner].PartnerId},{Quote(e.DonationId)},{e.ProjectId},{e.DonorId},{e.AmountFen},{e.OffsetMicros / 1000.0:0.###},{(r.FirstSendMicros >= 0 ? (r.FirstSendMicros / 1000.0).ToString("0.###", c) : "")},{r.DoneMicros / 1000.0:0.###},{r.Attempts},{r.Outcome},{r.Status},{latency},{r.ServiceMicros / 1000.0:0.###},{r.Answer?.MatchedTotal ?? 0},{r.Answer?.Replayed ?? false}");
            }));
        return files;
    }

    private static string Quote(string text) =>
        text.Contains(',', StringComparison.Ordinal) || text.Contains('"', StringComparison.Ordinal) || text.Contains(' ', StringComparison.Ordinal)
            ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : text;
}
