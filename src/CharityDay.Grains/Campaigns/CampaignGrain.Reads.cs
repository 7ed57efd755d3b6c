using CharityDay.Contracts;
using Microsoft.Extensions.Logging;

namespace CharityDay.Grains.Campaigns;

/// <summary>
/// What leaves the writer to be read: the snapshot the silos pull for the public reads, and the
/// pool usage and settings admin reads need (read-your-writes, so they come from here). Each is
/// computed in one turn, so it is one consistent state; after a failed write they first rebuild
/// from the ledger, so nothing shows matches that were never committed.
/// </summary>
public sealed partial class CampaignGrain
{
    public async Task<CampaignSnapshot?> GetSnapshot(long knownVersion)
    {
        await EnsureFreshForReadAsync();
        if (_settings is not { } settings)
        {
            return null;
        }
        // Publish answers the last snapshot when nothing changed since; the caller may still hold an
        // older one (another silo asked in between), so only an equal version means "you have it".
        var snapshot = ReadModel.Publish(settings, PoolSummaries);
        return snapshot.Version == knownVersion ? null : snapshot;
    }

    public async Task<CampaignView?> GetView()
    {
        await EnsureFreshForReadAsync();
        if (_settings is not { } settings)
        {
            return null;
        }
        var totals = Totals.Zero;
        foreach (var id in _projects.Keys)
        {
            if (Write.Totals.TryGetValue(id, out var t))
            {
                totals = totals.Plus(new Totals(t.RaisedFen, t.MatchedFen, t.DonationCount));
            }
        }
        return new CampaignView(settings, totals, _projects.Count, PoolSummaries());
    }

    public async Task<PoolUsageView> GetPoolUsage(string poolId)
    {
        await EnsureFreshForReadAsync();
        var book = Write.Book;
        var matched = book.MatchedFen(poolId);
        var budget = _pools.TryGetValue(poolId, out var pool) ? pool.BudgetFen : 0;
        var today = book.LocalDay(time.GetUtcNow());
        return new PoolUsageView(matched, book.MatchedOnDayFen(poolId, today), book.MatchCount(poolId), Math.Max(0, budget - matched));
    }

    private List<PoolSummary> PoolSummaries() =>
    [
        .. _pools.Values
            .OrderBy(p => p.PoolId, StringComparer.Ordinal)
            .Select(p =>
            {
                var matched = Write.Book.MatchedFen(p.PoolId);
                return new PoolSummary(p.PoolId, p.Sponsor, p.BudgetFen, matched, Math.Max(0, p.BudgetFen - matched), p.Paused, p.PointsProgram);
            }),
    ];

    private async Task EnsureFreshForReadAsync()
    {
        if (!Write.BookStale)
        {
            return;
        }
        await _gate.EnterAsync(urgent: false);
        try
        {
            await EnsureBookFreshAsync();
        }
        catch (Exception e)
        {
            // The ledger is unreachable: a read still answers, with what the book holds.
            logger.LogWarning(e, "Campaign {CampaignId} could not rebuild from the ledger for a read", CampaignId);
        }
        finally
        {
            _gate.Exit();
        }
    }
}
