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

    private readonly string[] _merchantIds = Enumerable.Range(options.Donors, options.Merchants)
        .Select(i => string.Create(CultureInfo.InvariantCulture, $"shop-{i:D6}"))
        .ToArray();

    /// <summary>Donations claimed by the workers so far (with <see cref="BenchOptions.Count"/>).</summary>
    private long _claimed;

    /// <summary>Counters of the load so far (requests, acknowledged donations, errors).</summary>
    public LiveCounters Live { get; } = new();

    public async Task<RunResult> RunAsync(CancellationToken stop)
    {
        var clients = partners.Select(p => new PartnerClient(p, options, Live)).ToArray();
        // With unique donors every donation's match is known in advance and checked as it is acknowledged;
        // keeping each one for the per-donor checks would cost the generator gigabytes at 10 million.
        var track = options.CampaignPool && !options.UniqueDonors;
        var cap = options.UniqueDonorMatchCap;
        var stats = Enumerable.Range(0, options.Workers).Select(_ => new WorkerStats { Acks = track ? [] : null, MatchCap = cap }).ToArray();
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);

        var workers = Task.WhenAll(stats.Select((s, i) => Task.Run(() => WorkerAsync(i, s, clients[i % clients.Length], deadline, stop), CancellationToken.None)));
        await ReportProgressAsync(workers, started);
        await workers;
        var elapsed = Stopwatch.GetElapsedTime(started);

        var totals = new WorkerStats { Acks = track ? [] : null, MatchCap = cap };
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
        DonationRequest Next()
        {
            var n = sequence++;
            if (!options.UniqueDonors && _merchantIds.Length > 0 && random.NextDouble() < options.MerchantShare)
            {
                // A merchant's share of its sales, many orders at a time (SPEC §7).
                return new(string.Create(CultureInfo.InvariantCulture, $"{runId}-w{worker}-{n}"), Project(), null,
                    random.NextInt64(options.MinAmount, options.MaxAmount + 1), _merchantIds[random.Next(_merchantIds.Length)], random.Next(1, 200));
            }
            return new(
                string.Create(CultureInfo.InvariantCulture, $"{runId}-w{worker}-{n}"),
                Project(),
                options.UniqueDonors ? string.Create(CultureInfo.InvariantCulture, $"donor-w{worker}-{n}") : _donorIds[random.Next(_donorIds.Length)],
                random.NextInt64(options.MinAmount, options.MaxAmount + 1));
        }

        var size = options.Mode == BenchMode.Single ? 1 : options.BatchSize;
        while (Stopwatch.GetTimestamp() < deadline && !stop.IsCancellationRequested)
        {
            if (options.Count is { } count)
            {
                var end = Interlocked.Add(ref _claimed, size);
                size = (int)Math.Min(size, count - (end - size));
                if (size <= 0)
                {
                    break;
                }
            }

            if (options.Mode == BenchMode.Single)
            {
                await client.PostSingleAsync(Next(), stats, deadline);
            }
            else
            {
                var batch = new DonationRequest[size];
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
            long requests = Live.Requests, accepted = Live.Accepted, errors = Live.Errors;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  [{Stopwatch.GetElapsedTime(started, now).TotalSeconds,5:0}s] {(requests - lastRequests) / seconds,10:N0} req/s {(accepted - lastAccepted) / seconds,12:N0} donations/s {errors - lastErrors,8:N0} errors"));
            (lastRequests, lastAccepted, lastErrors, last) = (requests, accepted, errors, now);
        }
    }
}
