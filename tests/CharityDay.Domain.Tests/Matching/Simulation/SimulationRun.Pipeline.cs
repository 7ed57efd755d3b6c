using CharityDay.Domain.Tests.Matching.Model;
using CharityDay.Domain.Writing;

namespace CharityDay.Domain.Tests.Matching.Simulation;

/// <summary>
/// The pipelined group commit as the world sees it: batches matched (the model decides each donation
/// alongside the book), commits landing in the order they were matched, and a failed commit taking
/// back its batch and the one matched behind it — in the model, and in what the auditor remembers as
/// the committed book.
/// </summary>
internal sealed partial class SimulationRun
{
    /// <summary>The book is matched ahead of the commit, so the model is too; a failed commit takes both back.</summary>
    private void Cut(CommitEnd duringLookup)
    {
        var (batch, stored) = Authority.CutAndLookUp();
        switch (duringLookup)
        {
            case CommitEnd.Commits:
                Commit();
                break;
            case CommitEnd.Fails:
                Coverage.FailedDuringLookup++;
                Authority.FailBatch(duplicateKey: false);
                ForgetUncommitted();
                break;
        }
        Dictionary<SumKey, long>? bookBefore = null;
        if (Authority.Idle && !Authority.BookStale)
        {
            _auditor.RememberCommittedBook(Authority.Book);
        }
        else if (Authority.Committing is not null)
        {
            bookBefore = BookSums.Read(Authority.Book, Clock.Now);
        }
        var (donations, matches) = (_model.Donations.Count, _model.Matches.Count);
        Authority.MatchBatch(batch, stored);
        Coverage.MatchedBehind += bookBefore is null ? 0 : 1;
        Coverage.Deferred += batch.DeferredRequests.Count();
        Coverage.DonorsLoaded += stored.DonorsLoaded;
        if (batch.Accepted.Count > 0)
        {
            _uncommitted.Add(new Uncommitted(batch, donations, matches, bookBefore));
        }
        foreach (var donation in batch.Accepted)
        {
            DecideInModel(donation);
        }
    }

    /// <summary>The commit in flight lands; the batch matched behind it, if any, starts its own.</summary>
    private void Commit()
    {
        var batch = Authority.Committing ?? throw new InvalidOperationException("commit without a batch in flight");
        Authority.CommitBatch();
        BatchCommitted(batch);
        if (_uncommitted.Count > 0 && _uncommitted[0].BookBefore is { } committedBook)
        {
            _auditor.RememberCommittedBook(committedBook);
        }
        else if (Authority.Idle)
        {
            _auditor.RememberCommittedBook(Authority.Book);
        }
    }

    private void BatchCommitted(WriteBatch<DonationRequest, LedgerRow> batch)
    {
        if (_uncommitted.Count == 0 || !ReferenceEquals(_uncommitted[0].Batch, batch))
        {
            throw new InvalidOperationException("commits land in the order the batches were matched");
        }
        _liveChanges.Committed(batch.Accepted, _step);
        _uncommitted.RemoveAt(0);
    }

    /// <summary>A failed commit takes back its batch and the one matched behind it (re-queued, to be matched again).</summary>
    private void ForgetUncommitted()
    {
        if (_uncommitted.Count > 0)
        {
            var from = _uncommitted[0];
            _model.Donations.RemoveRange(from.Donations, _model.Donations.Count - from.Donations);
            _model.Matches.RemoveRange(from.Matches, _model.Matches.Count - from.Matches);
            _uncommitted.Clear();
            _auditor.ModelRewound();
        }
    }
}

/// <summary>A batch the book has matched and the ledger does not hold yet.</summary>
/// <param name="Donations">Where its donations begin in the reference model.</param>
/// <param name="Matches">Where its matches begin in the reference model.</param>
/// <param name="BookBefore">For a batch matched behind a commit: the book's sums just before it was matched.</param>
internal sealed record Uncommitted(WriteBatch<DonationRequest, LedgerRow> Batch, int Donations, int Matches, Dictionary<SumKey, long>? BookBefore);

/// <summary>Counts of the pipeline's cases one run reached.</summary>
internal sealed class PipelineCoverage
{
    /// <summary>Batches matched while another was committing.</summary>
    public int MatchedBehind { get; set; }

    /// <summary>Failed commits that sent the batch matched behind them back to the queue.</summary>
    public int SentBack { get; set; }

    public int DuplicateKeyRefusals { get; set; }

    /// <summary>Commits that failed while the next batch's ids were looked up: it is matched on the rebuilt book.</summary>
    public int FailedDuringLookup { get; set; }

    /// <summary>Posts of an id whose first post was committing, held back to a later batch.</summary>
    public int Deferred { get; set; }

    /// <summary>Donors a capped pool needed whose day the book did not hold: read from the ledger.</summary>
    public int DonorsLoaded { get; set; }

    /// <summary>Commits that moved the durable sums' mark, and restores that read rows after it.</summary>
    public int SumsMoves { get; set; }

    public int RestoresWithTail { get; set; }

    /// <summary>Silo deaths with a batch matched behind the commit in flight: [0] that commit lost, [1] landed.</summary>
    public int[] DeathsWithBatchBehind { get; } = new int[2];

    public void Add(PipelineCoverage other)
    {
        MatchedBehind += other.MatchedBehind;
        SentBack += other.SentBack;
        DuplicateKeyRefusals += other.DuplicateKeyRefusals;
        FailedDuringLookup += other.FailedDuringLookup;
        Deferred += other.Deferred;
        DonorsLoaded += other.DonorsLoaded;
        SumsMoves += other.SumsMoves;
        RestoresWithTail += other.RestoresWithTail;
        DeathsWithBatchBehind[0] += other.DeathsWithBatchBehind[0];
        DeathsWithBatchBehind[1] += other.DeathsWithBatchBehind[1];
    }

    public override string ToString() =>
        $"matched behind {MatchedBehind}, sent back {SentBack}, duplicate-key refusals {DuplicateKeyRefusals}, failed during a lookup {FailedDuringLookup}, deferred {Deferred}, donors loaded {DonorsLoaded}, sums moves {SumsMoves}, restores with a tail {RestoresWithTail}, " +
        $"deaths with a batch behind {DeathsWithBatchBehind[0]} (commit lost) / {DeathsWithBatchBehind[1]} (landed)";
}
