using Xunit;
using CharityDay.Domain.Matching;
using CharityDay.Domain.Tests.Matching;
using CharityDay.Domain.Tests.Matching.Simulation;
using CharityDay.Domain.Writing;

namespace CharityDay.Domain.Tests.Writing;

/// <summary>
/// The production write path around a <see cref="SimulatedLedger"/>, one batch at a time, the way
/// <c>CampaignGrain</c> drives it: cut, look ids and donors up, match, commit (or fail), restart.
/// </summary>
internal sealed class WritePathHarness
{
    public const string Project = "proj1";
    public const string Partner = "tencent";

    private readonly PoolRules[] _pools;
    private readonly int _donorsKept;
    private int _nextCall;

    public WritePathHarness(int donorsKept, params PoolRules[] pools)
    {
        _pools = pools;
        _donorsKept = donorsKept;
        Write = Activate();
    }

    public SimulatedLedger Ledger { get; } = new(seed: 7);

    public CampaignWritePath<DonationRequest, LedgerRow> Write { get; private set; }

    public DateTimeOffset Now { get; set; } = Scenario.LocalNoon;

    public long DonorsLoaded { get; private set; }

    /// <summary>One batch of donations, each from its donor to <see cref="Project"/>; returns what each was matched.</summary>
    public long[] Give(IReadOnlyList<(string Donor, long AmountFen)> gifts, bool commitFails = false)
    {
        var requests = gifts.Select(g => new DonationRequest(++_nextCall, new DonationKey(Partner, $"don{_nextCall}"), g.Donor, Project, g.AmountFen)).ToList();
        Assert.True(Write.Arrive(requests));
        while (Write.PendingCount > 0)
        {
            var batch = Write.Cut()!;
            if (Write.BookStale)
            {
                Write.Restore(Ledger.Load(Write.RecentSince(Now)));
            }
            var stored = Write.KeysToLookUp(batch).Select(Ledger.Find).OfType<LedgerRow>().ToDictionary(r => r.Key);
            if (Write.DonorsToLoad(batch) is { } load)
            {
                Write.LoadDonors(load, Ledger.DonorDays(load));
                DonorsLoaded += load.Donors.Count;
            }
            Write.Match(batch, stored);
            if (!Write.StartCommit(batch))
            {
                continue;
            }
            if (commitFails)
            {
                Write.CommitFailed(batch, "the ledger write failed");
                Write.TakeAnswers();
                return [];
            }
            Ledger.Append(batch.Accepted, Write.SumsThroughFor(batch));
            Write.Committed(batch);
        }
        var rows = Write.TakeAnswers().ToDictionary(a => a.Request.CallId, a => a.Row);
        return [.. requests.Select(r => rows[r.CallId]!.Matches.Sum(m => m.AmountFen))];
    }

    public long Give(string donor, long amountFen) => Give([(donor, amountFen)])[0];

    /// <summary>A new activation: pools from their store, the book and totals from the ledger's durable sums.</summary>
    public void Restart() => Write = Activate();

    private CampaignWritePath<DonationRequest, LedgerRow> Activate()
    {
        var write = new CampaignWritePath<DonationRequest, LedgerRow>(new SimRows(),
            new WritePathLimits(MaxPending: 100_000, MaxBatch: 1_000, MaxAttempts: 3, RecentRowsCached: 100, PruneAfterAccepted: 1_000, _donorsKept),
            Scenario.Shanghai, () => Now);
        write.SetProject(Project, isOpen: true);
        foreach (var pool in _pools)
        {
            write.SetPool(pool);
        }
        write.Restore(Ledger.Load(write.RecentSince(Now)));
        return write;
    }
}
