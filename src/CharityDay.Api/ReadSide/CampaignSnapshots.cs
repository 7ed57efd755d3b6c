using System.Collections.Concurrent;
using System.Diagnostics;
using CharityDay.Api.Http;
using CharityDay.Contracts;
using CharityDay.Contracts.Telemetry;

namespace CharityDay.Api.ReadSide;

/// <summary>A campaign snapshot as this silo holds it, and the moment up to which it is complete.</summary>
public readonly record struct SnapshotCopy(CampaignSnapshot? Snapshot, DateTimeOffset AsOf);

/// <summary>
/// This silo's latest snapshot of each campaign it is asked about (SPEC §4 "Reads never slow the
/// burst"). Readers share one immutable copy; a copy younger than <see cref="FreshFor"/> is served
/// as it is, an older one is served while one pull refreshes it in the background, and only a copy
/// older than <see cref="MaxAge"/> (or none) makes readers wait for the pull. So the writer sees at
/// most one pull per campaign per silo per <see cref="FreshFor"/>, whatever the number of readers.
/// </summary>
public sealed class CampaignSnapshots(GrainReferences grains, TimeProvider time)
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan MaxAge = TimeSpan.FromMilliseconds(900);

    private readonly ConcurrentDictionary<string, Copy> _copies = new(StringComparer.Ordinal);

    /// <summary>The campaign's copy; call only for a campaign the catalog knows, so nothing is kept per unknown id.</summary>
    public async ValueTask<SnapshotCopy> GetAsync(string campaignId)
    {
        var copy = _copies.GetOrAdd(campaignId, id => new Copy(id, grains, time));
        var age = copy.Gate.AgeMs;
        if (age >= MaxAge.TotalMilliseconds)
        {
            try
            {
                await copy.Gate.RefreshAsync(Stopwatch.GetTimestamp(), copy.FetchAsync);
            }
            catch (Exception) when (copy.Snapshot is not null)
            {
                // The writer is unreachable for a moment (moving silos, storage down): an older copy,
                // honestly dated by its AsOf, serves readers better than an error.
            }
        }
        else if (age >= FreshFor.TotalMilliseconds)
        {
            copy.Gate.RefreshInBackground(copy.FetchAsync);
        }
        CharityDayTelemetry.SnapshotAge.Record(copy.Gate.AgeMs);
        return new SnapshotCopy(copy.Snapshot, copy.Gate.AsOf);
    }

    /// <summary>A copy fetched after this call began: for a project the catalog knows but the copy does not have yet.</summary>
    public async ValueTask<SnapshotCopy> GetFresherAsync(string campaignId)
    {
        var copy = _copies.GetOrAdd(campaignId, id => new Copy(id, grains, time));
        await copy.Gate.RefreshAsync(Stopwatch.GetTimestamp(), copy.FetchAsync);
        return new SnapshotCopy(copy.Snapshot, copy.Gate.AsOf);
    }

    private sealed class Copy(string campaignId, GrainReferences grains, TimeProvider time)
    {
        private static readonly TimeSpan MinPullInterval = TimeSpan.FromMilliseconds(50);

        public FreshnessGate Gate { get; } = new(MinPullInterval, time);

        public volatile CampaignSnapshot? Snapshot;

        public async Task FetchAsync()
        {
            var campaign = new KeyValuePair<string, object?>("campaign", campaignId);
            try
            {
                var fetched = await grains.Campaign(campaignId).GetSnapshot(Snapshot?.Version ?? 0);
                if (fetched is not null)
                {
                    Snapshot = fetched;
                }
                CharityDayTelemetry.SnapshotFetches.Add(1, campaign,
                    new KeyValuePair<string, object?>("result", fetched is not null ? "changed" : Snapshot is null ? "missing" : "unchanged"));
            }
            catch
            {
                CharityDayTelemetry.SnapshotFetches.Add(1, campaign, new KeyValuePair<string, object?>("result", "failed"));
                throw;
            }
        }
    }
}
