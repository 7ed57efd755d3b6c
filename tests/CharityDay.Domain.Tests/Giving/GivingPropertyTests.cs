using CharityDay.Domain.Giving;
using CharityDay.Domain.Matching;
using CsCheck;
using Xunit;

namespace CharityDay.Domain.Tests.Giving;

/// <summary>
/// SPEC §7 team totals and pledge charges against a reference model (a plain list of donations and
/// a plain set of charged months), over random sequences of gifts, refunds, clawbacks, pledge
/// changes, charges and rebuilds.
/// </summary>
public sealed class GivingPropertyTests
{
    private sealed record Gift(int Team, int Donor, long AmountFen, long MatchedFen)
    {
        public bool Live { get; set; } = true;
        public long LiveMatchedFen { get; set; } = MatchedFen;
    }

    [Fact]
    public void Team_totals_equal_the_sums_of_their_live_donations()
    {
        var op = Gen.Frequency(
            (5, Gen.Select(Gen.Int[0, 3], Gen.Int[0, 4], Gen.Long[1, 10_000], Gen.Long[0, 5_000], (t, d, a, m) => (Kind: 0, A: t, B: d, C: a, D: m))),
            (2, Gen.Int[0, 1_000].Select(p => (Kind: 1, A: p, B: 0, C: 0L, D: 0L))),
            (1, Gen.Int[0, 1_000].Select(p => (Kind: 2, A: p, B: 0, C: 0L, D: 0L))),
            (1, Gen.Const((Kind: 3, A: 0, B: 0, C: 0L, D: 0L))));
        op.Array[1, 60].Sample(ops =>
        {
            var book = new TeamBook();
            var gifts = new List<Gift>();
            foreach (var (kind, a, b, c, d) in ops)
            {
                switch (kind)
                {
                    case 0:
                        gifts.Add(new Gift(a, b, c, d));
                        book.Accepted(TeamOf(a), $"u{b}", c, d);
                        break;
                    case 1 when gifts.Count > 0 && gifts[a % gifts.Count] is { Live: true } refunded:
                        book.Refunded(TeamOf(refunded.Team), $"u{refunded.Donor}", refunded.AmountFen, refunded.LiveMatchedFen);
                        refunded.Live = false;
                        refunded.LiveMatchedFen = 0;
                        break;
                    case 2 when gifts.Count > 0 && gifts[a % gifts.Count] is { LiveMatchedFen: > 0 } clawed:
                        book.MatchReversed(TeamOf(clawed.Team), clawed.LiveMatchedFen);
                        clawed.LiveMatchedFen = 0;
                        break;
                    case 3:
                        book = Rebuilt(gifts);
                        break;
                }
                for (var team = 0; team < 4; team++)
                {
                    var live = gifts.Where(g => g.Team == team && g.Live).ToList();
                    var expected = (live.Sum(g => g.AmountFen), gifts.Where(g => g.Team == team).Sum(g => g.LiveMatchedFen), (long)live.Count, live.Select(g => g.Donor).Distinct().Count());
                    var totals = book.Find(TeamOf(team));
                    var actual = totals is null ? (0L, 0L, 0L, 0) : (totals.RaisedFen, totals.MatchedFen, totals.DonationCount, totals.DonorCount);
                    if (expected != actual)
                    {
                        throw new InvalidOperationException($"team {team}: expected {expected}, book {actual}");
                    }
                }
            }
        }, iter: 300);
    }

    [Fact]
    public void Each_pledge_is_charged_at_most_once_a_month_and_only_on_its_terms()
    {
        // (kind, pledge, month or amount, donor, active)
        var op = Gen.Frequency(
            (2, Gen.Select(Gen.Int[0, 2], Gen.Long[1, 3], Gen.Int[0, 1], Gen.Bool, (p, a, d, active) => (Kind: 0, Pledge: p, N: a, Donor: d, Active: active))),
            (6, Gen.Select(Gen.Int[0, 3], Gen.Long[0, 3], Gen.Long[1, 3], Gen.Int[0, 1], (p, month, a, d) => (Kind: 1, Pledge: p, N: month * 10 + a, Donor: d, Active: true))),
            (1, Gen.Const((Kind: 2, Pledge: 0, N: 0L, Donor: 0, Active: true))));
        op.Array[1, 50].Sample(ops =>
        {
            var book = new PledgeBook();
            var terms = new Dictionary<int, (long Amount, int Donor, bool Active)>();
            var charged = new List<(int Pledge, int Month)>();
            var next = 0;
            foreach (var (kind, pledge, n, donor, active) in ops)
            {
                switch (kind)
                {
                    case 0:
                        terms[pledge] = (n, donor, active);
                        book.Set(PledgeOf(pledge), new PledgeTerms("proj", $"u{donor}", n, 1, active));
                        break;
                    case 1:
                        var (month, amount) = ((int)(n / 10), n % 10);
                        var expected = !terms.TryGetValue(pledge, out var t) || !t.Active || t.Amount != amount || t.Donor != donor
                            ? PledgeCheck.NotAllowed
                            : charged.Contains((pledge, month)) ? PledgeCheck.AlreadyCharged
                            : charged.Any(c => c.Pledge == pledge) ? PledgeCheck.LaterCharge : PledgeCheck.FirstCharge;
                        var actual = book.Check(PledgeOf(pledge), "proj", $"u{donor}", amount, month);
                        if (expected != actual)
                        {
                            throw new InvalidOperationException($"pledge {pledge} month {month} amount {amount} donor {donor}: expected {expected}, book {actual}");
                        }
                        if (actual is PledgeCheck.FirstCharge or PledgeCheck.LaterCharge)
                        {
                            book.Charge(PledgeOf(pledge), month, new DonationKey("tencent", $"d{next++}"));
                            charged.Add((pledge, month));
                        }
                        break;
                    case 2:
                        var snapshot = new CampaignLedgerSnapshot();
                        snapshot.PledgeCharges.AddRange(charged.Select((c, i) => ("tencent", $"p{c.Pledge}", c.Month, $"d{i}")));
                        book.ClearCharges();
                        snapshot.RestorePledgeCharges(book);
                        break;
                }
                var open = terms.Where(kv => kv.Value.Active).ToList();
                if (book.OfProject("proj") != (open.Count, open.Sum(kv => kv.Value.Amount)))
                {
                    throw new InvalidOperationException($"project counts {book.OfProject("proj")} vs {open.Count} pledges of {open.Sum(kv => kv.Value.Amount)}");
                }
            }
        }, iter: 300);
    }

    private static TeamKey TeamOf(int team) => new("tencent", $"t{team}");

    private static PledgeKey PledgeOf(int pledge) => new("tencent", $"p{pledge}");

    /// <summary>What a restore reads from the ledger: per (team, donor) the live donations, per team the live matches.</summary>
    private static TeamBook Rebuilt(List<Gift> gifts)
    {
        var snapshot = new CampaignLedgerSnapshot();
        foreach (var group in gifts.Where(g => g.Live).GroupBy(g => (g.Team, g.Donor)))
        {
            snapshot.TeamDonations.Add(("tencent", $"t{group.Key.Team}", $"u{group.Key.Donor}", group.Sum(g => g.AmountFen), group.Count()));
        }
        foreach (var group in gifts.GroupBy(g => g.Team))
        {
            snapshot.TeamMatched.Add(("tencent", $"t{group.Key}", group.Sum(g => g.LiveMatchedFen)));
        }
        var book = new TeamBook();
        snapshot.RestoreTeams(book);
        return book;
    }
}
