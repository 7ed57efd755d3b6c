namespace CharityDay.Domain.Tests.Matching.Simulation;

/// <summary>
/// The server clock of the simulation, moved only by the driver. Millisecond precision, as
/// <c>CampaignGrain.Now()</c> stamps acceptance times and the ledger stores them.
/// </summary>
internal sealed class SimClock(DateTimeOffset start)
{
    public DateTimeOffset Now { get; private set; } = start;

    public void Advance(TimeSpan by) => MoveTo(Now + by);

    public void MoveTo(DateTimeOffset at)
    {
        if (at < Now)
        {
            throw new InvalidOperationException($"the clock cannot go back from {Now:O} to {at:O}");
        }
        Now = DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());
    }
}
