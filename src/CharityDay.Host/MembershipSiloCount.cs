using CharityDay.Api.Partners;

namespace CharityDay.Host;

/// <summary>
/// Active silos in this silo's view of the cluster membership: Orleans keeps the snapshot in memory and
/// updates it as silos join, die or leave, so reading it costs no call (the limiter still caches it).
/// </summary>
public sealed class MembershipSiloCount(IClusterMembershipService membership) : ILiveSiloCount
{
    public int Count() => Math.Max(1, membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active));
}
