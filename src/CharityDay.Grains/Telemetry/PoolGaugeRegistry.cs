using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using CharityDay.Contracts.Telemetry;

namespace CharityDay.Grains.Telemetry;

/// <summary>One pool's balances, read on its campaign's write path in one turn.</summary>
public readonly record struct PoolBalance(string PoolId, long BudgetFen, long MatchedFen, long RemainingFen, long MatchedTodayFen);

/// <summary>
/// Silo-wide: the pool balances of every campaign whose write path is active on this silo, exported
/// as four observable gauges tagged campaign and pool. A grain's state may only be read on the
/// grain's own turns, while the exporter collects on whatever thread serves the scrape; so the
/// grain side publishes immutable snapshots here and the gauge callbacks only read snapshots.
/// A campaign's series leave when its activation does, so a campaign that moved is reported by
/// the silo that hosts it now and not by both.
/// </summary>
public sealed class PoolGaugeRegistry
{
    private readonly ConcurrentDictionary<string, Snapshot> _campaigns = new(StringComparer.Ordinal);

    public PoolGaugeRegistry(IMeterFactory meters)
    {
        // A meter from the container's factory is disposed with it: a silo stopped and started
        // again in one process does not leave the old registry's gauges behind.
        var meter = meters.Create(CharityDayTelemetry.Name);
        meter.CreateObservableGauge(CharityDayTelemetry.PoolBudget, () => Observe(b => b.BudgetFen),
            CharityDayTelemetry.FenUnit, "The pool's budget as set by its sponsor (after top-ups and cuts).");
        meter.CreateObservableGauge(CharityDayTelemetry.PoolMatched, () => Observe(b => b.MatchedFen),
            CharityDayTelemetry.FenUnit, "Matching money the pool has given, net of refunds and clawbacks.");
        meter.CreateObservableGauge(CharityDayTelemetry.PoolRemaining, () => Observe(b => b.RemainingFen),
            CharityDayTelemetry.FenUnit, "Budget the pool can still give: max(0, budget - matched).");
        meter.CreateObservableGauge(CharityDayTelemetry.PoolMatchedToday, () => Observe(b => b.MatchedTodayFen),
            CharityDayTelemetry.FenUnit, "Matching money the pool has given today, in the campaign's time zone (its dailyBudget applies to this).");
    }

    /// <summary>
    /// Replaces what the gauges report for the campaign. <paramref name="owner"/> identifies the
    /// publishing activation, so that its removal cannot erase what a newer one published.
    /// </summary>
    public void Publish(string campaignId, object owner, IReadOnlyList<PoolBalance> pools) =>
        _campaigns[campaignId] = new Snapshot(owner, [.. pools]);

    /// <summary>Drops the campaign's series, if <paramref name="owner"/> published the current ones.</summary>
    public void Remove(string campaignId, object owner)
    {
        if (_campaigns.TryGetValue(campaignId, out var current) && ReferenceEquals(current.Owner, owner))
        {
            _campaigns.TryRemove(new KeyValuePair<string, Snapshot>(campaignId, current));
        }
    }

    /// <summary>What the gauges report for the campaign now (empty when it is not active here).</summary>
    public IReadOnlyList<PoolBalance> Get(string campaignId) =>
        _campaigns.TryGetValue(campaignId, out var snapshot) ? snapshot.Pools : [];

    private IEnumerable<Measurement<long>> Observe(Func<PoolBalance, long> value)
    {
        foreach (var (campaignId, snapshot) in _campaigns)
        {
            foreach (var pool in snapshot.Pools)
            {
                yield return new Measurement<long>(value(pool), new TagList { { "campaign", campaignId }, { "pool", pool.PoolId } });
            }
        }
    }

    // A class, not a record: removal compares by reference.
    private sealed class Snapshot(object owner, PoolBalance[] pools)
    {
        public object Owner { get; } = owner;
        public PoolBalance[] Pools { get; } = pools;
    }
}
