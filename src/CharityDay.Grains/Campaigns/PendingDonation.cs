using System.Diagnostics;
using CharityDay.Contracts;

namespace CharityDay.Grains.Campaigns;

/// <summary>A donation waiting for the group commit that will hold it: the request and its caller's wait.</summary>
public sealed class PendingDonation(DonationRequest request)
{
    public DonationRequest Request { get; } = request;
    public long EnqueuedAt { get; } = Stopwatch.GetTimestamp();
    public ActivityContext Caller { get; } = Activity.Current?.Context ?? default;
    public TaskCompletionSource<DonationOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
