using CharityDay.Contracts;
using CharityDay.Contracts.Telemetry;
using Microsoft.Extensions.Logging;

namespace CharityDay.Grains.Telemetry;

/// <summary>
/// Feeds <see cref="PoolGaugeRegistry"/> from campaign grains without a line of telemetry code in
/// them. After any call into a campaign activation, it queues one read of the campaign's pools
/// onto that activation's own scheduler: the read runs as a turn of the grain, through the
/// grain's public read methods, so it sees one consistent state. Calls that complete together
/// (every donation of a group commit) share one queued read.
/// </summary>
public sealed class CampaignTelemetryFilter(PoolGaugeRegistry registry, ILogger<CampaignTelemetryFilter> logger) : IIncomingGrainCallFilter
{
    /// <summary>Calls that leave every pool's settings as they were: after them the balances are re-read, the pool list is not.</summary>
    private static readonly HashSet<string> SettingsPreserving = new(StringComparer.Ordinal)
    {
        nameof(ICampaignGrain.Donate),
        nameof(ICampaignGrain.Refund),
        nameof(ICampaignGrain.Clawback),
        nameof(ICampaignGrain.GetView),
        nameof(ICampaignGrain.GetSnapshot),
        nameof(ICampaignGrain.GetPoolUsage),
        nameof(ICampaignGrain.GetSettings),
        nameof(ICampaignPlacement.SiloAddress),
    };

    // Every grain call of the silo passes here: other grains go straight through, with no state machine.
    public Task Invoke(IIncomingGrainCallContext context) =>
        context.Grain is ICampaignGrain campaign ? InvokeCampaignAsync(context, campaign) : context.Invoke();

    private async Task InvokeCampaignAsync(IIncomingGrainCallContext context, ICampaignGrain campaign)
    {
        CharityDayTelemetry.WriterCalls.Add(1,
            new KeyValuePair<string, object?>("campaign", campaign.GetPrimaryKeyString()),
            new KeyValuePair<string, object?>("method", context.InterfaceMethod?.Name ?? "unknown"));
        try
        {
            await context.Invoke();
        }
        finally
        {
            // No gauges (and no series) for a campaign that does not exist: its activation is going away.
            if (context.Result is not null || context.InterfaceMethod?.Name != nameof(ICampaignGrain.GetSettings))
            {
                Feed(context, campaign);
            }
        }
    }

    private void Feed(IIncomingGrainCallContext context, ICampaignGrain campaign)
    {
        try
        {
            var activation = context.TargetContext;
            var feed = activation.GetComponent<CampaignGaugeFeed>();
            if (feed is null)
            {
                feed = new CampaignGaugeFeed(campaign.GetPrimaryKeyString(), campaign, activation, registry, logger);
                activation.SetComponent(feed);
                feed.Start();
            }
            if (!SettingsPreserving.Contains(context.InterfaceMethod?.Name ?? ""))
            {
                feed.PoolsChanged();
            }
            feed.RequestRead();
        }
        catch (Exception e)
        {
            // Telemetry never fails a donation.
            logger.LogWarning(e, "Could not schedule the pool gauge read of a campaign");
        }
    }
}

/// <summary>One campaign activation's link to the registry. Used only on that activation's turns.</summary>
internal sealed class CampaignGaugeFeed(string campaignId, ICampaignGrain grain, IGrainContext activation, PoolGaugeRegistry registry, ILogger logger)
{
    private Dictionary<string, long>? _budgets;
    private bool _readQueued;

    // Set off the activation's scheduler, when it has deactivated.
    private volatile bool _gone;

    public void Start()
    {
        // Counters only appear in a scrape once they have a value; these start at 0 so the
        // alerts' rate() and increase() see the first shed request or failed commit, not only
        // the second. Tags as the write path records them.
        var campaign = new KeyValuePair<string, object?>("campaign", campaignId);
        CharityDayTelemetry.Shed.Add(0, campaign);
        CharityDayTelemetry.Commits.Add(0, campaign, new KeyValuePair<string, object?>("result", "failed"));

        activation.Deactivated.ContinueWith(_ =>
        {
            _gone = true;
            registry.Remove(campaignId, this);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public void PoolsChanged() => _budgets = null;

    public void RequestRead()
    {
        if (_readQueued || _gone)
        {
            return;
        }
        _readQueued = true;
        activation.Scheduler.QueueAction(Read);
    }

    private void Read()
    {
        _readQueued = false;
        if (_gone)
        {
            return;
        }
        try
        {
            // The campaign's reads answer synchronously, from memory: one turn, one state. Should
            // one ever await, the read is skipped, never blocked on.
            if (_budgets is null)
            {
                var view = grain.GetView();
                if (!view.IsCompletedSuccessfully)
                {
                    return;
                }
                _budgets = view.Result?.Pools.ToDictionary(p => p.PoolId, p => p.BudgetFen, StringComparer.Ordinal) ?? [];
            }
            var balances = new List<PoolBalance>(_budgets.Count);
            foreach (var (poolId, budgetFen) in _budgets)
            {
                var usage = grain.GetPoolUsage(poolId);
                if (!usage.IsCompletedSuccessfully)
                {
                    return;
                }
                var u = usage.Result;
                balances.Add(new PoolBalance(poolId, budgetFen, u.MatchedFen, u.RemainingFen, u.MatchedTodayFen));
            }
            registry.Publish(campaignId, this, balances);
            if (_gone)
            {
                // Deactivated while this read ran: take back what it just published.
                registry.Remove(campaignId, this);
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not read the pools of campaign {CampaignId} for the gauges", campaignId);
        }
    }
}
