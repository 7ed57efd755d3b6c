using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace CharityDay.Contracts.Telemetry;

/// <summary>SPEC §6 sealing on the CharityDay meter: what was sealed, how long it took, and how stale each campaign's last checkpoint is.</summary>
public static class LedgerProofTelemetry
{
    public static readonly Counter<long> CheckpointsSealed = CharityDayTelemetry.Meter.CreateCounter<long>(
        "charityday.ledger.checkpoints.sealed", "{checkpoint}", "Ledger checkpoints sealed, by campaign.");

    public static readonly Histogram<double> SealDuration = CharityDayTelemetry.Meter.CreateHistogram<double>(
        "charityday.ledger.seal.duration", "ms", "Time to read, hash and write one checkpoint.");

    public static readonly Histogram<long> EventsPerCheckpoint = CharityDayTelemetry.Meter.CreateHistogram<long>(
        "charityday.ledger.checkpoint.events", "{event}", "Ledger events sealed in one checkpoint.");

    public static readonly Counter<long> SealFailures = CharityDayTelemetry.Meter.CreateCounter<long>(
        "charityday.ledger.seal.failures", "{attempt}", "Sealing attempts that failed (storage errors); the next tick tries again.");

    // The last checkpoint each sealer on this silo wrote (or found), for the age gauge.
    private static readonly ConcurrentDictionary<string, DateTimeOffset> LastSealed = new(StringComparer.Ordinal);

    /// <summary>Seconds since each campaign's newest checkpoint; an alert can fire when it exceeds a few intervals while events arrive.</summary>
    public static readonly ObservableGauge<double> LastSealedAge = CharityDayTelemetry.Meter.CreateObservableGauge(
        "charityday.ledger.checkpoint.age", () => LastSealed.Select(p => new Measurement<double>(
            (DateTimeOffset.UtcNow - p.Value).TotalSeconds, new KeyValuePair<string, object?>("campaign", p.Key))),
        "s", "Age of the campaign's newest ledger checkpoint, as seen by its sealer.");

    public static void Sealed(string campaignId, DateTimeOffset sealedAt) =>
        LastSealed.AddOrUpdate(campaignId, sealedAt, (_, old) => old > sealedAt ? old : sealedAt);

    /// <summary>A sealer that left this silo stops reporting its campaign here (the next one reports it where it runs).</summary>
    public static void Forget(string campaignId) => LastSealed.TryRemove(campaignId, out _);
}
