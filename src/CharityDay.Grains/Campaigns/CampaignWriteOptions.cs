namespace CharityDay.Grains.Campaigns;

/// <summary>The "CharityDay" settings the campaign write path reads.</summary>
public sealed class CampaignWriteOptions
{
    /// <summary>The largest batch a partner may post: an empty queue must always be able to take one.</summary>
    public const int MinPendingDonations = 1_000;

    /// <summary>Correct at any size (a donor of an uncommitted batch is never dropped); below this, donors would be re-read batch after batch.</summary>
    public const int MinDonorsKept = 1_000;

    /// <summary>
    /// Donations a campaign keeps waiting for a commit. Past it the campaign answers 429 with
    /// Retry-After at once instead of queueing: at the measured commit rates 20,000 is one to two
    /// seconds of work, well inside a partner's request timeout, so a queued donation is answered
    /// rather than timed out, and memory stays bounded.
    /// </summary>
    public int MaxPendingDonations { get; set; } = 20_000;

    /// <summary>
    /// Donors whose day a campaign's matching book keeps in memory (about 200 bytes each). A donor
    /// outside it costs one ledger read when they give again; memory stays flat however many donors
    /// a day brings.
    /// </summary>
    public int DonorsKept { get; set; } = Domain.Matching.MatchingBook.DefaultDonorCapacity;
}
