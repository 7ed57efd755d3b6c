using System.Diagnostics;
using System.Globalization;

namespace CharityDay.LoadTests;

/// <summary>Closed-loop load: each worker posts, waits for the answer, and posts again until the deadline.</summary>
internal sealed class Workload(BenchOptions options, BenchTarget target, string runId, IReadOnlyList<HttpClient> partners, HttpClient reader)
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    private readonly string[] _donorIds = Enumerable.Range(0, options.Donors)
        .Select(i => string.Create(CultureInfo.InvariantCulture, $"donor-{i:D6}"))
        .ToArray();

    private readonly LiveCounters _live = new();

    public async Task<RunResult> RunAsync(CancellationToken stop)
    {
        var clients = partners.Select(p => new PartnerClient(p, options, _live)).ToArray();
        var track = options.CampaignPool;
        var stats = Enumerable.Range(0, options.Workers).Select(_ => new WorkerStats { Acks = track ? [] : null }).ToArray();
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);

        var workers = Task.WhenAll(stats.Select((s, i) => Task.Run(() => WorkerAsync(i, s, clients[i % clients.Length], deadline, stop), CancellationToken.None)));
        await ReportProgressAsync(workers, started);
        await workers;
        var elapsed = Stopwatch.GetElapsedTime(started);

        var totals = new WorkerStats { Acks = track ? [] : null };
        foreach (var s in stats)
        {
            totals.MergeFrom(s);
        }

        var (late, notAccepted, unknown) = await Reconcile.RunAsync(partners[0], reader, target.CampaignId,
            options.RequestTimeout + options.VerifyTimeout, totals, CancellationToken.None);
        return new RunResult(totals, elapsed, late, notAccepted, unknown);
    }

    private async Task WorkerAsync(int worker, WorkerStats stats, PartnerClient client, long deadline, CancellationToken stop)
    {
        var random = new Random(unchecked((options.Seed * 7919) + worker));
        long sequence = 0;
        var projects = target.ProjectIds;
        var hot = options.HotShare;
        string Project() =>
            hot <= 0 || projects.Count == 1 ? projects[random.Next(projects.Count)]
            : random.NextDouble() < hot ? projects[0]
            : projects[1 + random.Next(projects.Count - 1)];
        DonationRequest Next() => new(
            string.Create(CultureInfo.InvariantCulture, $"{runId}-w{worker}-{sequence++}"),
            Project(),
            _donorIds[random.Next(_donorIds.Length)],
            random.NextInt64(options.MinAmount, options.MaxAmount + 1));

        while (Stopwatch.GetTimestamp() < deadline && !stop.IsCancellationRequested)
        {
            if (options.Mode == BenchMode.Single)
            {
                await client.PostSingleAsync(Next(), stats, deadline);
            }
            else
            {
                var batch = new DonationRequest[options.BatchSize];
                for (var i = 0; i < batch.Length; i++)
                {
                    batch[i] = Next();
                }

                await client.PostBatchAsync(batch, stats, deadline);
            }
        }
    }

    private async Task ReportProgressAsync(Task workers, long started)
    {
        long lastRequests = 0, lastAccepted = 0, lastErrors = 0;
        var last = started;
        while (await Task.WhenAny(workers, Task.Delay(ProgressEvery)) != workers)
        {
            var now = Stopwatch.GetTimestamp();
            var seconds = (double)(now - last) / Stopwatch.Frequency;
            long requests = _live.Requests, accepted = _live.Accepted, errors = _live.Errors;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  [{Stopwatch.GetElapsedTime(started, now).TotalSeconds,5:0}s] {(requests - lastRequests) / seconds,10:N0} req/s {(accepted - lastAccepted) / seconds,12:N0} donations/s {errors - lastErrors,8:N0} errors"));
            (lastRequests, lastAccepted, lastErrors, last) = (requests, accepted, errors, now);
        }
    }
}
