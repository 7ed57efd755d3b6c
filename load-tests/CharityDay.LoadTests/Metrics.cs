using System.Globalization;

namespace CharityDay.LoadTests;

/// <summary>The host counters the benchmark reads, summed over every silo, for the run's campaign and pool only.</summary>
internal sealed record MetricsSample(
    double Commits,
    double CommitsFailed,
    double BatchSizeSum,
    double BatchSizeCount,
    double CommitMsSum,
    double CommitMsCount,
    double IngestMsSum,
    double IngestMsCount,
    double PoolChangeMsSum,
    double PoolChangeMsCount,
    double Shed)
{
    public static MetricsSample operator -(MetricsSample a, MetricsSample b) => new(
        a.Commits - b.Commits, a.CommitsFailed - b.CommitsFailed, a.BatchSizeSum - b.BatchSizeSum, a.BatchSizeCount - b.BatchSizeCount,
        a.CommitMsSum - b.CommitMsSum, a.CommitMsCount - b.CommitMsCount, a.IngestMsSum - b.IngestMsSum, a.IngestMsCount - b.IngestMsCount,
        a.PoolChangeMsSum - b.PoolChangeMsSum, a.PoolChangeMsCount - b.PoolChangeMsCount, a.Shed - b.Shed);
}

/// <summary>
/// Scrapes <c>GET /metrics</c> (Prometheus text) of every silo. Names as the host exports them (checked in a
/// real scrape): <c>charityday_ledger_commits_total{campaign,result}</c>,
/// <c>charityday_ledger_commit_batch_size_sum/_count{campaign}</c>,
/// <c>charityday_ledger_commit_duration_milliseconds_sum/_count{campaign}</c>,
/// <c>charityday_pool_change_duration_milliseconds_sum/_count{pool}</c>, <c>charityday_load_shed_total{campaign}</c>.
/// The ingest histogram has no campaign label: it is the whole host's (the benchmark is its only writer).
/// </summary>
internal static class Metrics
{
    public static async Task<MetricsSample?> ScrapeAsync(IReadOnlyList<HttpClient> silos, string campaignId, string? poolId)
    {
        var campaign = $"campaign=\"{campaignId}\"";
        var pool = poolId is null ? null : $"pool=\"{poolId}\"";
        double commits = 0, failed = 0, bSum = 0, bCount = 0, cSum = 0, cCount = 0, iSum = 0, iCount = 0, pSum = 0, pCount = 0, shed = 0;
        var any = false;
        foreach (var silo in silos)
        {
            string text;
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                text = await silo.GetStringAsync(new Uri("metrics", UriKind.Relative), timeout.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                continue;
            }

            any = true;
            foreach (var raw in text.Split('\n'))
            {
                var line = raw.TrimEnd('\r');
                if (line.Length == 0 || line[0] == '#' || !line.StartsWith("charityday_", StringComparison.Ordinal))
                {
                    continue;
                }

                var brace = line.IndexOf('{', StringComparison.Ordinal);
                var close = line.LastIndexOf('}');
                if (brace < 0 || close < brace)
                {
                    continue;
                }

                var name = line[..brace];
                var labels = line[(brace + 1)..close];
                var valueText = line[(close + 1)..].Trim().Split(' ')[0];
                if (!double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    continue;
                }

                var ofCampaign = labels.Contains(campaign, StringComparison.Ordinal);
                switch (name)
                {
                    case "charityday_ledger_commits_total" when ofCampaign:
                        if (labels.Contains("result=\"committed\"", StringComparison.Ordinal))
                        {
                            commits += value;
                        }
                        else
                        {
                            failed += value;
                        }

                        break;
                    case "charityday_ledger_commit_batch_size_sum" when ofCampaign: bSum += value; break;
                    case "charityday_ledger_commit_batch_size_count" when ofCampaign: bCount += value; break;
                    case "charityday_ledger_commit_duration_milliseconds_sum" when ofCampaign: cSum += value; break;
                    case "charityday_ledger_commit_duration_milliseconds_count" when ofCampaign: cCount += value; break;
                    case "charityday_donations_ingest_duration_milliseconds_sum": iSum += value; break;
                    case "charityday_donations_ingest_duration_milliseconds_count": iCount += value; break;
                    case "charityday_load_shed_total" when ofCampaign: shed += value; break;
                    case "charityday_pool_change_duration_milliseconds_sum" when pool is not null && labels.Contains(pool, StringComparison.Ordinal): pSum += value; break;
                    case "charityday_pool_change_duration_milliseconds_count" when pool is not null && labels.Contains(pool, StringComparison.Ordinal): pCount += value; break;
                }
            }
        }

        return any ? new MetricsSample(commits, failed, bSum, bCount, cSum, cCount, iSum, iCount, pSum, pCount, shed) : null;
    }
}
