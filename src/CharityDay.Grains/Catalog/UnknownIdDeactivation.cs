using CharityDay.Contracts;

namespace CharityDay.Grains.Catalog;

/// <summary>
/// An activation that was asked for an id that does not exist goes away at once instead of idling
/// for Orleans' collection age (15 minutes by default). The public and partner paths never reach
/// such a grain (the silos' id directories answer unknown ids); this is the bound for the rest —
/// an admin read of a random id by a valid key, a key or partner id that does not exist — so a
/// loop of them costs one storage read each and leaves no activations piling up in memory.
/// A read that answers "nothing here" on a grain whose state is only ever created by a write is
/// the signal; should a write be in flight on the same activation (an interleaved read), Orleans
/// lets it finish first, and the next call activates again from storage.
/// </summary>
public sealed class UnknownIdDeactivation : IIncomingGrainCallFilter
{
    /// <summary>Reads whose null answer means the grain's id was never written.</summary>
    private static readonly HashSet<(Type Interface, string Method)> EmptyWhenUnknown =
    [
        (typeof(ICampaignGrain), nameof(ICampaignGrain.GetSettings)),
        (typeof(IPartnerGrain), nameof(IPartnerGrain.Get)),
        (typeof(IApiKeyGrain), nameof(IApiKeyGrain.Get)),
    ];

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        await context.Invoke();
        if (context.Result is null
            && context.InterfaceMethod is { DeclaringType: { } declaring } method
            && EmptyWhenUnknown.Contains((declaring, method.Name)))
        {
            context.TargetContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "asked for an id that does not exist"));
        }
    }
}
