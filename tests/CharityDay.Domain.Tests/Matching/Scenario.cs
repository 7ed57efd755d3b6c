using CharityDay.Domain.Matching;

namespace CharityDay.Domain.Tests.Matching;

/// <summary>
/// A campaign's matching book plus an explicit clock, so each example reads as a story:
/// set the pools, move the clock, give, refund. Time is a value here, never the wall clock.
/// </summary>
internal sealed class Scenario
{
    public const string Campaign = "c1";
    public const string Partner = "tencent";
    public const string OtherPartner = "alipay";
    public const string Project = "proj1";

    public static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>2025-09-09 12:00 in Shanghai (UTC+8): well inside one local day.</summary>
    public static readonly DateTimeOffset LocalNoon = new(2025, 9, 9, 4, 0, 0, TimeSpan.Zero);

    private readonly List<Given> _history = [];
    private int _nextDonation;

    public Scenario(params PoolRules[] pools) : this(Shanghai, pools)
    {
    }

    public Scenario(TimeZoneInfo timeZone, params PoolRules[] pools)
    {
        Book = new MatchingBook(timeZone);
        foreach (var pool in pools)
        {
            Book.SetPool(pool);
        }
    }

    public MatchingBook Book { get; }

    public DateTimeOffset Now { get; set; } = LocalNoon;

    public IReadOnlyList<Given> History => _history;

    public static PoolRules Pool(string poolId = "p1", long budgetFen = 1_000_000, int ratioBps = 10_000) =>
        new() { PoolId = poolId, CampaignId = Campaign, BudgetFen = budgetFen, RatioBps = ratioBps };

    /// <summary>Accepts a donation at <see cref="Now"/> and returns every pool's match of it.</summary>
    public Given Give(long amountFen, string donor = "d1", string project = Project, string partner = Partner)
    {
        _nextDonation++;
        var facts = new DonationFacts(new DonationKey(partner, $"don{_nextDonation}"), donor, project, amountFen, Now);
        var given = new Given(facts, Book.Accept(facts), Book.LocalDay(Now));
        _history.Add(given);
        return given;
    }

    /// <summary>The one pool's match, for scenarios with a single pool.</summary>
    public long Match(long amountFen, string donor = "d1", string project = Project, string partner = Partner) =>
        Give(amountFen, donor, project, partner).Total;

    public void Advance(TimeSpan by) => Now += by;

    /// <summary>Refund: every match of the donation goes back (SPEC §2).</summary>
    public void Refund(Given given)
    {
        foreach (var record in given.Records())
        {
            Book.Reverse(record);
        }
    }

    /// <summary>Clawback: flag the donor on the pool and reverse every match the pool gave them.</summary>
    public void Clawback(string poolId, string donor)
    {
        Book.Flag(poolId, donor);
        foreach (var given in _history.Where(g => g.Facts.DonorId == donor))
        {
            foreach (var record in given.Records().Where(r => r.PoolId == poolId))
            {
                Book.Reverse(record);
            }
        }
    }
}

/// <summary>One accepted donation and what the pools gave it.</summary>
internal sealed record Given(DonationFacts Facts, IReadOnlyList<PoolMatch> Matches, DateOnly Day)
{
    public long Total => Matches.Sum(m => m.AmountFen);

    public long Of(string poolId) => Matches.Where(m => m.PoolId == poolId).Sum(m => m.AmountFen);

    public IEnumerable<MatchRecord> Records() =>
        Matches.Select(m => new MatchRecord(m.PoolId, Facts.ProjectId, Facts.Donor, Day, m.AmountFen));
}
