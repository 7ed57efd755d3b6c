using CharityDay.Contracts;
using CharityDay.Domain;

namespace CharityDay.Grains.Catalog;

/// <summary>
/// A pool's settings. A change is acknowledged only after the campaign's write path applied it,
/// which is what makes SPEC §3 invariant 4 hold.
/// </summary>
public sealed class PoolGrain(
    [PersistentState("pool", GrainStorage.Name)] IPersistentState<PoolState> state) : Grain, IPoolGrain
{
    public Task<PoolSettings?> Get() => Task.FromResult(state.State.Settings);

    public async Task<Change<PoolSettings>> Put(PoolSettings settings)
    {
        var before = state.State.Settings;
        await Save(settings);
        return new Change<PoolSettings>(before, settings);
    }

    public async Task<PoolPatchOutcome> Patch(PoolSettings expected, PoolSettings merged, long budgetDeltaFen)
    {
        var before = state.State.Settings;
        if (before is null)
        {
            return new PoolPatchOutcome(null, "pool does not exist");
        }
        // Two managers patching different fields at once (one pauses, one tops up) must both win:
        // applying a merge made from an older read would quietly undo the other's change.
        if (!Same(before, expected))
        {
            return new PoolPatchOutcome(null, null, Stale: true);
        }
        var budget = merged.BudgetFen + budgetDeltaFen;
        if (budget < 0 || budget > Money.MaxBudgetFen)
        {
            return new PoolPatchOutcome(null, $"budget {merged.BudgetFen} + budgetDelta {budgetDeltaFen} must stay within 0..{Money.MaxBudgetFen}");
        }
        var after = merged with { BudgetFen = budget };
        await Save(after);
        return new PoolPatchOutcome(new Change<PoolSettings>(before, after), null);
    }

    private async Task Save(PoolSettings settings)
    {
        state.State.Settings = settings;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<ICampaignGrain>(settings.CampaignId).UpsertPool(settings);
    }

    /// <summary>Record equality compares the project list by reference; a copy from the wire is another list.</summary>
    private static bool Same(PoolSettings a, PoolSettings b) =>
        a with { ProjectIds = null } == b with { ProjectIds = null }
        && (a.ProjectIds is null
            ? b.ProjectIds is null
            : b.ProjectIds is not null && a.ProjectIds.SequenceEqual(b.ProjectIds, StringComparer.Ordinal));
}
