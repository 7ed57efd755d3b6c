using CharityDay.Rehearsal.Run;
using CharityDay.Rehearsal.Scenario;
using CharityDay.Rehearsal.Verdict;

namespace CharityDay.Rehearsal.Tests;

/// <summary>The verdict fed a consistent result passes; fed a deliberately broken one, it fails on the right check.</summary>
public sealed class VerdictTests
{
    private const string Flash = "c-flash";
    private const string Main = "c-main";
    private static readonly DateTimeOffset T0 = new(2026, 9, 9, 2, 0, 0, TimeSpan.Zero); // 10:00 in Asia/Shanghai

    private static readonly PoolPlan FlashPlan = new(PoolPlan.Flash, "Tranche", BudgetFen: 1_000, Priority: 0);

    private static readonly PoolPlan MainPlan = new(PoolPlan.Main, "Fund", BudgetFen: 10_000, Priority: 1,
        PerDonorDailyCapFen: 2_000, PerDonorDailyCount: 3, PerDonorMinuteCount: 5);

    private static DonationFact Donation(string id, string project, string donor, long amount, int second, long flash, long main) =>
        new("tc", id, project, donor, amount, T0.AddSeconds(second),
            new Dictionary<string, long> { [Flash] = flash, [Main] = main }.Where(m => m.Value > 0).ToDictionary(),
            SentMicros: second * 1_000_000L, AnsweredMicros: (second * 1_000_000L) + 5_000);

    private static DonationAnswer Answer(DonationFact d, string status = "accepted", bool reversed = false) => new()
    {
        DonationId = d.DonationId,
        PartnerId = d.PartnerId,
        ProjectId = d.ProjectId,
        DonorId = d.DonorId,
        Amount = d.AmountFen,
        Status = status,
        AcceptedAt = d.AcceptedAt,
        Matches = [.. d.Matches.Select(m => new MatchAnswer { PoolId = m.Key, Amount = m.Value, Reversed = reversed })],
    };

    /// <summary>
    /// d1 exhausts the tranche (1,000 of 1,000) and gets 1,000 from main; d2 on a sub-project gets main
    /// only (tranche empty); d3 is refunded. Everything the server shows agrees.
    /// </summary>
    private static (VerdictInput Input, ServerView Server) Consistent()
    {
        var d1 = Donation("d1", "p1", "u1", 1_000, 10, flash: 1_000, main: 1_000);
        var d2 = Donation("d2", "p2", "u2", 500, 11, flash: 0, main: 500);
        var d3 = Donation("d3", "p2", "u3", 300, 12, flash: 0, main: 300);
        var input = new VerdictInput(
            Acknowledged: [d1, d2, d3],
            Refunds: [new RefundFact("tc", "d3", "refunded", T0.AddSeconds(20), new RefundAgain(200, "refunded", T0.AddSeconds(20)))],
            Replays: [new ReplayFact("redelivery", d1, d1 with { SentMicros = -1 }, ReplayedFlag: true)],
            BadRequests: [new BadFact(BadKind.ZeroAmount, 400, 400, ProblemJson: true, Accepted: false)],
            MustBeAbsent: [("tc", "bad1")],
            Pools:
            [
                new PoolFact(Flash, FlashPlan, [], [(0, 5_000_000)], [], MatchingSinceMicros: 5_100_000),
                new PoolFact(Main, MainPlan, [], [], []),
            ],
            ParentOf: new Dictionary<string, string?> { ["p1"] = null, ["p2"] = "p1" },
            StillUnknown: 0);
        var server = new ServerView(
            new CampaignAnswer { Raised = 1_500, Matched = 2_500, DonationCount = 2 },
            new Dictionary<string, PoolAnswer>
            {
                [Flash] = new() { PoolId = Flash, Budget = 1_000, Matched = 1_000, Remaining = 0 },
                [Main] = new() { PoolId = Main, Budget = 10_000, Matched = 1_500, Remaining = 8_500 },
            },
            new Dictionary<string, ProjectAnswer>
            {
                ["p1"] = new() { ProjectId = "p1", Raised = 1_000, Matched = 2_000, DonationCount = 1, ByPartner = new() { ["tc"] = 1_000 }, Rollup = new() { Raised = 1_500, Matched = 2_500, DonationCount = 2 } },
                ["p2"] = new() { ProjectId = "p2", Raised = 500, Matched = 500, DonationCount = 1, ByPartner = new() { ["tc"] = 500 }, Rollup = new() { Raised = 500, Matched = 500, DonationCount = 1 } },
            },
            new Dictionary<string, DonationAnswer?> { ["tc/d1"] = Answer(d1), ["tc/d2"] = Answer(d2), ["tc/d3"] = Answer(d3, "refunded", reversed: true) },
            new Dictionary<string, int> { ["tc/bad1"] = 404 });
        return (input, server);
    }

    private static void AssertFails(VerdictInput input, ServerView server, string checkStartsWith)
    {
        var verdict = Judge.Evaluate(input, server);
        Assert.False(verdict.Passed, "the verdict passed a broken result");
        var failed = verdict.Failed.Select(c => c.Name).ToList();
        Assert.Contains(failed, name => name.StartsWith(checkStartsWith, StringComparison.Ordinal));
    }

    [Fact]
    public void Consistent_result_passes_every_check()
    {
        var (input, server) = Consistent();
        var verdict = Judge.Evaluate(input, server);
        Assert.True(verdict.Passed, string.Join("\n", verdict.Failed.Select(c => $"{c.Name}: expected {c.Expected}, got {c.Actual}")));
        Assert.True(verdict.Checks.Count >= 15, $"only {verdict.Checks.Count} checks");
    }

    [Fact]
    public void Acknowledged_donation_missing_fails()
    {
        var (input, server) = Consistent();
        var donations = new Dictionary<string, DonationAnswer?>(server.Donations) { ["tc/d2"] = null };
        AssertFails(input, server with { Donations = donations }, "every acknowledged donation present");
    }

    [Fact]
    public void Donation_acknowledged_as_new_twice_fails()
    {
        var (input, server) = Consistent();
        AssertFails(input with { Acknowledged = [.. input.Acknowledged, input.Acknowledged[0]] }, server, "every acknowledged donation present");
    }

    [Fact]
    public void Totals_off_by_one_fen_fail()
    {
        var (input, server) = Consistent();
        AssertFails(input, server with { Campaign = new CampaignAnswer { Raised = 1_501, Matched = 2_500, DonationCount = 2 } }, "campaign raised");
    }

    [Fact]
    public void Refunded_donation_still_counted_fails()
    {
        var (input, server) = Consistent();
        var donations = new Dictionary<string, DonationAnswer?>(server.Donations) { ["tc/d3"] = Answer(input.Acknowledged[2]) };
        AssertFails(input, server with { Donations = donations }, "every acknowledged donation present");
    }

    [Fact]
    public void Wrong_parent_rollup_fails()
    {
        var (input, server) = Consistent();
        var projects = new Dictionary<string, ProjectAnswer>(server.Projects);
        projects["p1"].Rollup = new TotalsAnswer { Raised = 1_000, Matched = 2_000, DonationCount = 1 };
        AssertFails(input, server with { Projects = projects }, "project totals");
    }

    [Fact]
    public void Pool_over_budget_on_the_server_fails()
    {
        var (input, server) = Consistent();
        var pools = new Dictionary<string, PoolAnswer>(server.Pools) { [Flash] = new() { PoolId = Flash, Budget = 1_000, Matched = 1_200, Remaining = 0 } };
        AssertFails(input, server with { Pools = pools }, "pool flash: matched ≤ budget");
    }

    [Fact]
    public void Matches_beyond_a_donor_cap_fail_even_when_the_totals_agree()
    {
        var (input, server) = Consistent();
        var again = Donation("d4", "p1", "u1", 1_500, 13, flash: 0, main: 1_500); // u1 now 2,500 > perDonorDailyCap 2,000
        var broken = input with { Acknowledged = [.. input.Acknowledged, again] };
        AssertFails(broken, server, "pools never over-spent");
    }

    [Fact]
    public void Stranded_budget_fails()
    {
        var (input, server) = Consistent();
        // d2 was matched short by the tranche (0 of 500), yet the tranche says 200 fen remain.
        var pools = new Dictionary<string, PoolAnswer>(server.Pools) { [Flash] = new() { PoolId = Flash, Budget = 1_000, Matched = 800, Remaining = 200 } };
        AssertFails(input, server with { Pools = pools }, "pool flash: no stranded budget");
    }

    [Fact]
    public void Replay_with_other_matches_fails()
    {
        var (input, server) = Consistent();
        var original = input.Acknowledged[0];
        var replay = original with { Matches = new Dictionary<string, long> { [Flash] = 1_000, [Main] = 999 } };
        AssertFails(input with { Replays = [new ReplayFact("redelivery", original, replay, ReplayedFlag: true)] }, server, "replays identical");
    }

    [Fact]
    public void Replay_not_flagged_replayed_fails()
    {
        var (input, server) = Consistent();
        var original = input.Acknowledged[0];
        AssertFails(input with { Replays = [new ReplayFact("redelivery", original, original, ReplayedFlag: false)] }, server, "replays identical");
    }

    [Fact]
    public void Bad_request_accepted_fails()
    {
        var (input, server) = Consistent();
        AssertFails(input with { BadRequests = [new BadFact(BadKind.ClosedProject, 422, 201, ProblemJson: false, Accepted: true)] }, server, "bad requests refused");
    }

    [Fact]
    public void Refused_donation_that_exists_fails()
    {
        var (input, server) = Consistent();
        AssertFails(input, server with { AbsentStatuses = new Dictionary<string, int> { ["tc/bad1"] = 200 } }, "refused donations left no trace");
    }

    [Fact]
    public void Donor_matched_more_often_than_the_minute_limit_fails()
    {
        var (input, server) = Consistent();
        var burst = Enumerable.Range(0, 6).Select(i => Donation($"b{i}", "p1", "bot", 100, 30 + i, flash: 0, main: 100) with { Bot = true }).ToList();
        AssertFails(input with { Acknowledged = [.. input.Acknowledged, .. burst] }, server, "perDonorMinuteCount held");
    }

    [Fact]
    public void Match_from_a_paused_pool_fails()
    {
        var (input, server) = Consistent();
        var early = Donation("e1", "p1", "u9", 100, 2, flash: 100, main: 100); // sent at 2 s, the tranche opened at 5 s
        AssertFails(input with { Acknowledged = [.. input.Acknowledged, early] }, server, "paused pools matched nothing");
    }

    [Fact]
    public void Clawback_that_returned_less_than_was_matched_fails()
    {
        var (input, server) = Consistent();
        var pools = input.Pools.Select(p => p.PoolId == Main ? p with { Clawbacks = [new ClawbackFact("u2", T0.AddSeconds(30), 100)] } : p).ToList();
        AssertFails(input with { Pools = pools }, server, "clawbacks returned exactly");
    }

    [Fact]
    public void Unknown_outcomes_left_fail()
    {
        var (input, server) = Consistent();
        AssertFails(input with { StillUnknown = 1 }, server, "every unknown outcome was resolved");
    }

    [Fact]
    public void Second_refund_with_another_result_fails()
    {
        var (input, server) = Consistent();
        var refund = input.Refunds[0] with { Second = new RefundAgain(200, "refunded", T0.AddSeconds(21)) };
        AssertFails(input with { Refunds = [refund] }, server, "refunds acknowledged");
    }
}
