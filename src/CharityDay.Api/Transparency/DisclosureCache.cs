using System.Collections.Concurrent;
using System.Diagnostics;
using CharityDay.Api.ReadSide;
using CharityDay.Domain.Transparency;

namespace CharityDay.Api.Transparency;

/// <summary>
/// This silo's latest disclosure figures of each campaign asked about. A disclosure reads the ledger
/// (the campaign's durable sums and the rows after their mark, the refunded rows, the checkpoints), never
/// the campaign's writer: so that any number of readers costs the database at most one such read per
/// campaign per silo per <see cref="FreshFor"/>, readers share the copy, a copy older than that is served
/// while one read refreshes it, and only one older than <see cref="MaxAge"/> (or none) makes them wait.
/// Entries exist only for campaigns the catalog knows, so the cache is as small as the catalog.
/// </summary>
public sealed class DisclosureCache(ILedgerReads ledger, ILedgerCheckpoints checkpoints, TimeProvider time)
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(3);

    private readonly ConcurrentDictionary<string, Copy> _copies = new(StringComparer.Ordinal);

    private TimeProvider Time => time;

    private Task<DisclosureFigures> ReadLedgerAsync(string campaignId) => ledger.DisclosureFiguresAsync(campaignId);

    private Task<IReadOnlyList<Checkpoint>> ReadCheckpointsAsync(string campaignId) => checkpoints.ListAsync(campaignId);

    public sealed record Figures(DisclosureFigures Ledger, IReadOnlyList<Checkpoint> Checkpoints);

    /// <summary>The campaign's figures and the instant the read that produced them began.</summary>
    public async ValueTask<(Figures Figures, DateTimeOffset AsOf)> GetAsync(string campaignId)
    {
        var copy = _copies.GetOrAdd(campaignId, id => new Copy(id, this));
        var age = copy.Gate.AgeMs;
        if (age >= MaxAge.TotalMilliseconds || copy.Value is null)
        {
            await copy.Gate.RefreshAsync(Stopwatch.GetTimestamp(), copy.FetchAsync);
        }
        else if (age >= FreshFor.TotalMilliseconds)
        {
            copy.Gate.RefreshInBackground(copy.FetchAsync);
        }
        return (copy.Value!, copy.Gate.AsOf);
    }

    private sealed class Copy(string campaignId, DisclosureCache owner)
    {
        public FreshnessGate Gate { get; } = new(FreshFor, owner.Time);

        public volatile Figures? Value;

        public async Task FetchAsync()
        {
            var figures = await owner.ReadLedgerAsync(campaignId);
            Value = new Figures(figures, await owner.ReadCheckpointsAsync(campaignId));
        }
    }
}
