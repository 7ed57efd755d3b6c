namespace CharityDay.Domain.Writing;

/// <summary>Where a batch is in the pipeline.</summary>
public enum BatchStage
{
    /// <summary>Taken from the queue; its ids are being looked up.</summary>
    Cut,
    /// <summary>Classified and matched, waiting for the commit ahead of it to end.</summary>
    Matched,
    /// <summary>Its ledger transaction is in flight.</summary>
    Committing,
    Committed,
    /// <summary>Its commit failed; its callers were answered or re-queued.</summary>
    Failed,
    /// <summary>Matched on top of a commit that failed: back in the queue, to be matched again.</summary>
    SentBack,
    /// <summary>Given up before matching (the lookup failed); its callers were answered.</summary>
    Abandoned,
}

/// <summary>
/// One group commit's worth of donations, from the cut to the commit's end. The write path owns
/// its contents; the I/O layer reads <see cref="Accepted"/> to write them.
/// </summary>
public sealed class WriteBatch<TRequest, TRow> where TRow : class
{
    internal WriteBatch(List<QueuedDonation<TRequest>> items) => Items = items;

    public BatchStage Stage { get; internal set; } = BatchStage.Cut;

    internal List<QueuedDonation<TRequest>> Items { get; }

    public IEnumerable<TRequest> Requests => Items.Select(i => i.Request);

    /// <summary>The rows to write, in matching order; each one's matches are in the book already.</summary>
    public List<TRow> Accepted { get; } = [];

    /// <summary>Callers answered by this batch's commit: each new row's first poster and its in-batch siblings.</summary>
    internal List<(QueuedDonation<TRequest> Item, TRow Row, bool Created)> Waiting { get; } = [];

    /// <summary>The ids the ledger was asked about; null until <c>KeysToLookUp</c>.</summary>
    internal HashSet<DonationKey>? LookedUp { get; set; }

    /// <summary>Posts of an id whose first post is committing right now: decided in the next batch.</summary>
    internal List<QueuedDonation<TRequest>> Deferred { get; } = [];

    public IEnumerable<TRequest> WaitingRequests => Waiting.Select(w => w.Item.Request);

    public IEnumerable<TRequest> DeferredRequests => Deferred.Select(d => d.Request);
}

/// <summary>A donation in the write queue; the attempt count survives a re-queue.</summary>
internal sealed class QueuedDonation<TRequest>(TRequest request, DonationKey key)
{
    public TRequest Request { get; } = request;
    public DonationKey Key { get; } = key;
    public int Attempts { get; set; }
}
