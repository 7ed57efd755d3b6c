using System.Diagnostics;
using CharityDay.Contracts;
using CharityDay.Domain;

namespace CharityDay.Grains.Campaigns;

/// <summary>A donation waiting for the group commit that will hold it.</summary>
public sealed class PendingDonation(DonationRequest request)
{
    public DonationRequest Request { get; } = request;
    public DonationKey Key { get; } = new(request.PartnerId, request.DonationId);
    public long EnqueuedAt { get; } = Stopwatch.GetTimestamp();
    public ActivityContext Caller { get; } = Activity.Current?.Context ?? default;
    public int Attempts { get; set; }
    public TaskCompletionSource<DonationOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
