using CharityDay.Domain.Matching;
using CharityDay.Domain.Tests.Matching.Model;

namespace CharityDay.Domain.Tests.Matching.Simulation;

/// <summary>
/// The checks made after every step. The reference model holds exactly the committed work —
/// plus the batches in flight (one committing, one matched behind it), which the book has matched too — so the book
/// a read would see must equal it to the fen, every sum must stay within its limit, the ledger
/// must hold exactly the committed part, and the money in the book, the ledger and the totals
/// must be the same money.
/// </summary>
internal sealed class Auditor(ReferenceModel model, SimulatedLedger ledger, SimClock clock)
{
    private Dictionary<SumKey, (long Value, long? Limit)> _previous = [];
    private Dictionary<SumKey, long> _committedBook = [];
    private (int Matches, int Live, SumKey[]? Keys) _sumsCheckedAt;
    private (long LedgerVersion, int Donations, int Matches, int Live, int Refunded, int Flagged) _ledgerCheckedAt = (-1, 0, 0, 0, 0, 0);
    private long[] _expected = [];
    private PoolRules[] _poolsSeen = [];
    private Dictionary<string, long> _ledgerMatchedByPool = [];
    private Dictionary<string, (long Raised, long Matched, long Count)> _ledgerByProject = [];

    /// <param name="committedInModel">How many of the model's donations and matches are committed; the rest are the batch in flight.</param>
    public void AfterStep(SimulatedAuthority authority, (int Donations, int Matches) committedInModel)
    {
        var keys = BookSums.Keys(clock.Now);
        // The reference's sums and the ledger pass are the costly checks, and their inputs can
        // change only with the counts below: each is redone whenever its inputs moved. The book
        // is read after every step regardless — it is what is under test.
        var live = model.Matches.Count(m => m.Live);
        var sumsState = (model.Matches.Count, live, keys);
        if (sumsState != _sumsCheckedAt || !model.Pools.SequenceEqual(_poolsSeen, ReferenceEqualityComparer.Instance))
        {
            var sums = Sums.Of(model);
            EverySumWithinItsLimit(sums);
            _expected = [.. keys.Select(k => sums.GetValueOrDefault(k).Value)];
            _previous = sums;
            _sumsCheckedAt = sumsState;
            _poolsSeen = [.. model.Pools];
        }
        var ledgerState = (ledger.Version, committedInModel.Donations, committedInModel.Matches, live, model.Refunded.Count, model.Flagged.Count);
        if (ledgerState != _ledgerCheckedAt)
        {
            LedgerHoldsTheCommittedReference(committedInModel);
            _ledgerCheckedAt = ledgerState;
        }
        // A stale book is never read as it is: a read rebuilds it first.
        var book = authority.BookStale ? authority.BuildFromLedger().Book : authority.Book;
        BookAgreesWithReference(book, keys);
        MoneyIsConserved(authority, book);
    }

    /// <summary>
    /// The model forgot matches: the counts the cached checks key on may come back to the same values
    /// within one step (a batch forgotten, another matched), so the next check recomputes everything.
    /// </summary>
    public void ModelRewound()
    {
        _sumsCheckedAt = default;
        _ledgerCheckedAt = (-1, 0, 0, 0, 0, 0);
    }

    /// <summary>The book as it stands holds only committed work: a rebuild must give it back exactly.</summary>
    public void RememberCommittedBook(MatchingBook book) => _committedBook = BookSums.Read(book, clock.Now);

    /// <summary>The committed book as read earlier: before a batch was matched behind a commit that has now committed.</summary>
    public void RememberCommittedBook(Dictionary<SumKey, long> sums) => _committedBook = sums;

    /// <summary>A book rebuilt from the ledger equals the book before, restricted to committed work.</summary>
    public void OnRebuilt(MatchingBook rebuilt)
    {
        foreach (var key in BookSums.Keys(clock.Now))
        {
            var after = Sums.InBook(rebuilt, key);
            if (key.Donor is not null && (!_committedBook.ContainsKey(key) || after is null))
            {
                // A donor-day held on one side only: the rebuilt book keeps the donors the failed commit did not touch.
                continue;
            }
            var before = _committedBook.GetValueOrDefault(key);
            if (before != after)
            {
                throw SimulationCheckException.Of($"rebuilt book, {key} (the book before held only committed work)", before, after);
            }
        }
    }

    /// <summary>At the end, with nothing queued or in flight: a fresh activation would carry on from exactly this book.</summary>
    public void AtQuiescence(SimulatedAuthority authority)
    {
        if (authority.BookStale || !authority.Idle || authority.PendingCount > 0)
        {
            throw SimulationCheckException.Of("quiescence", "a fresh book, nothing queued or in flight",
                $"stale {authority.BookStale}, in flight {!authority.Idle}, queued {authority.PendingCount}");
        }
        var (fresh, totals) = authority.BuildFromLedger();
        var today = fresh.LocalDay(clock.Now);
        foreach (var key in BookSums.Keys(clock.Now))
        {
            // The fresh book loaded every donor for today from the ledger; the live one holds some, and
            // may still hold a donor's yesterday (until the donor gives again or a prune), which no
            // match of today consults: only today's donor-days are comparable.
            if (key.Donor is not null && key.Day != today)
            {
                continue;
            }
            if (Sums.InBook(authority.Book, key) is not null && Sums.InBook(fresh, key) != Sums.InBook(authority.Book, key))
            {
                throw SimulationCheckException.Of($"at quiescence, {key} in the live book vs a fresh rebuild", Sums.InBook(fresh, key), Sums.InBook(authority.Book, key));
            }
        }
        foreach (var project in SimCampaign.Projects)
        {
            var expected = Show(totals.GetValueOrDefault(project));
            var actual = Show(authority.Totals.GetValueOrDefault(project));
            if (expected != actual)
            {
                throw SimulationCheckException.Of($"at quiescence, totals of {project} vs a fresh rebuild", expected, actual);
            }
        }
    }

    private void BookAgreesWithReference(MatchingBook book, SumKey[] keys)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            var actual = Sums.InBook(book, keys[i]);
            if (actual is null && keys[i].Donor is null)
            {
                throw SimulationCheckException.Of($"book vs reference, {keys[i]}", _expected[i], "unknown");
            }
            if (actual is not null && _expected[i] != actual)
            {
                throw SimulationCheckException.Of($"book vs reference, {keys[i]}", _expected[i], actual);
            }
        }
    }

    /// <summary>
    /// Invariant 1: every sum within its limit under the rules in effect — unless a manager
    /// lowered the limit below it, and then the sum must not grow (lowering never claws back).
    /// </summary>
    private void EverySumWithinItsLimit(Dictionary<SumKey, (long Value, long? Limit)> sums)
    {
        foreach (var (key, (value, limit)) in sums)
        {
            var previous = _previous.GetValueOrDefault(key).Value;
            if (value < 0)
            {
                throw SimulationCheckException.Of($"invariant 1, {key}", ">= 0", value);
            }
            if (limit is { } max && value > max && value > previous)
            {
                throw SimulationCheckException.Of($"invariant 1, {key} (was {previous})", $"<= {max}", value);
            }
        }
    }

    /// <summary>
    /// One pass over the ledger, row by row against the reference's committed donations and
    /// match by match against its committed matches, collecting the sums the book and the totals
    /// must show.
    /// </summary>
    private void LedgerHoldsTheCommittedReference((int Donations, int Matches) committed)
    {
        if (ledger.Count != committed.Donations)
        {
            throw SimulationCheckException.Of("donations in the ledger vs committed in the reference", committed.Donations, ledger.Count);
        }
        var matchedByPool = new Dictionary<string, long>(StringComparer.Ordinal);
        var byProject = new Dictionary<string, (long Raised, long Matched, long Count)>(StringComparer.Ordinal);
        var nextModelMatch = 0;
        for (var i = 0; i < ledger.Count; i++)
        {
            var row = ledger.RowAt(i);
            var donation = model.Donations[i];
            if (donation.Key != row.Key || donation.DonorId != row.DonorId || donation.ProjectId != row.ProjectId
                || donation.AmountFen != row.AmountFen || donation.AcceptedAt != row.AcceptedAt)
            {
                throw SimulationCheckException.Of($"ledger row {i} vs the reference's donation (commit order)", donation, row);
            }
            if (row.Refunded != model.Refunded.Contains(row.Key))
            {
                throw SimulationCheckException.Of($"refunded, {row}", model.Refunded.Contains(row.Key), row.Refunded);
            }
            long rowMatchedFen = 0;
            foreach (var match in row.Matches)
            {
                // The reference keeps its matches in the same order: commit order, then stacking order.
                var expected = nextModelMatch < committed.Matches ? model.Matches[nextModelMatch++] : null;
                if (expected is null || expected.Donation != row.Key || expected.PoolId != match.PoolId
                    || expected.AmountFen != match.AmountFen || expected.Live != match.IsLive)
                {
                    throw SimulationCheckException.Of($"match of {row} in the ledger vs the reference",
                        expected is null ? "none" : $"{expected.PoolId}:{expected.AmountFen} live {expected.Live}", match);
                }
                if (match.IsLive)
                {
                    matchedByPool[match.PoolId] = matchedByPool.GetValueOrDefault(match.PoolId) + match.AmountFen;
                    rowMatchedFen += match.AmountFen;
                }
            }
            if (!row.Refunded)
            {
                var (raised, matched, count) = byProject.GetValueOrDefault(row.ProjectId);
                byProject[row.ProjectId] = (raised + row.AmountFen, matched + rowMatchedFen, count + 1);
            }
        }
        if (nextModelMatch != committed.Matches)
        {
            throw SimulationCheckException.Of("matches in the ledger vs committed in the reference", committed.Matches, nextModelMatch);
        }
        var flaggedInModel = model.Flagged.Select(f => (f.PoolId, f.Donor.DonorId)).ToHashSet();
        if (!flaggedInModel.SetEquals(ledger.Clawbacks))
        {
            throw SimulationCheckException.Of("clawback flags", string.Join(",", flaggedInModel), string.Join(",", ledger.Clawbacks));
        }
        if (ledger.Load(recentSince: null).Differences(ledger.Recompute()) is { Count: > 0 } differences)
        {
            throw SimulationCheckException.Of("the ledger's durable sums vs a recomputation from its rows", "no difference", string.Join("; ", differences));
        }
        _ledgerMatchedByPool = matchedByPool;
        _ledgerByProject = byProject;
    }

    /// <summary>
    /// Every fen the book counts is a live match in the ledger, in the batch committing or in the
    /// batch matched behind it; the totals are the ledger's sums.
    /// </summary>
    private void MoneyIsConserved(SimulatedAuthority authority, MatchingBook book)
    {
        var inFlight = authority.Uncommitted.ToList();
        foreach (var pool in SimCampaign.PoolIds)
        {
            var committed = _ledgerMatchedByPool.GetValueOrDefault(pool);
            var matching = inFlight.Sum(r => r.Matches.Where(m => m.PoolId == pool).Sum(m => m.AmountFen));
            if (committed + matching != book.MatchedFen(pool))
            {
                throw SimulationCheckException.Of($"pool {pool}: live matches in the ledger ({committed}) + in flight ({matching}) vs the book", committed + matching, book.MatchedFen(pool));
            }
        }
        foreach (var project in SimCampaign.Projects)
        {
            var (raised, matched, count) = _ledgerByProject.GetValueOrDefault(project);
            var totals = authority.Totals.GetValueOrDefault(project);
            if ((totals?.RaisedFen ?? 0) != raised || (totals?.MatchedFen ?? 0) != matched || (totals?.DonationCount ?? 0) != count)
            {
                throw SimulationCheckException.Of($"totals of {project} vs the ledger", $"raised {raised}, matched {matched}, count {count}", Show(totals));
            }
        }
    }

    private static string Show(ProjectTotals? totals) =>
        $"raised {totals?.RaisedFen ?? 0}, matched {totals?.MatchedFen ?? 0}, count {totals?.DonationCount ?? 0}";
}
