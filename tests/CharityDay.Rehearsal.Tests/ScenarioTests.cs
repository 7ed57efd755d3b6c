using CharityDay.Rehearsal.Scenario;

namespace CharityDay.Rehearsal.Tests;

public sealed class ScenarioTests
{
    private static ScenarioPlan Plan(int seed = 7, double seconds = 60, double peak = 500, int bots = 10) =>
        ScenarioPlanner.Plan(new ScenarioSettings(seed, TimeSpan.FromSeconds(seconds), peak, Projects: 500, Bots: bots, CampaignId: "rh-test"));

    private static string Fingerprint(ScenarioPlan plan) =>
        string.Join('\n', plan.Events.Select(e => e.ToString()))
        + string.Join('\n', plan.Manager.Select(m => $"{m.OffsetMicros} {m.Kind} {m.PoolKey} {m.AmountFen} {string.Join(',', m.DonorIds)}"))
        + string.Join('\n', plan.Pools.Select(p => p with { ProjectIds = null }))
        + string.Join('\n', plan.Population.ByPopularity);

    [Fact]
    public void Same_seed_gives_the_same_sequence_of_requests()
    {
        var a = Plan(seed: 42);
        var b = Plan(seed: 42);

        Assert.True(a.Events.Count > 1000, $"expected a real day, got {a.Events.Count} requests");
        Assert.Equal(Fingerprint(a), Fingerprint(b));
    }

    [Fact]
    public void Another_seed_gives_another_sequence()
    {
        Assert.NotEqual(Fingerprint(Plan(seed: 1)), Fingerprint(Plan(seed: 2)));
    }

    [Fact]
    public void Day_shape_trickles_ramps_to_the_peak_in_seconds_decays_and_spikes_again()
    {
        var shape = new DayShape(TimeSpan.FromSeconds(120), 1000);

        Assert.Equal(40, shape.RateAt(1), 6);
        Assert.Equal(40, shape.RateAt(shape.OpeningSeconds - 0.01), 6);
        Assert.InRange(shape.RampSeconds, 0.5, 5);
        Assert.Equal(1000, shape.RateAt(shape.PeakReachedSeconds + 0.01), 6);
        Assert.True(shape.RateAt(0.5 * 120) < 400, $"decayed by mid-day: {shape.RateAt(60)}");
        Assert.True(shape.RateAt(0.5 * 120) >= 200, "never below the floor");
        var beforeSpike = shape.RateAt(shape.SecondSpikeSeconds - 0.01);
        var spikeTop = shape.RateAt(shape.SecondSpikeSeconds + shape.SecondSpikeRampSeconds);
        Assert.True(spikeTop > beforeSpike + 500, $"surprise spike: {beforeSpike} → {spikeTop}");
        Assert.All(Enumerable.Range(0, 1200).Select(i => shape.RateAt(i / 10.0)), r => Assert.InRange(r, 0, 1000));
        Assert.Equal(0, shape.RateAt(120));
        Assert.Equal(0, shape.RateAt(-1));
    }

    [Fact]
    public void Arrivals_follow_the_shape_second_by_second()
    {
        var plan = Plan(seconds: 60, peak: 500, bots: 0);
        var arrivals = plan.Events.Where(e => e.Kind is EventKind.Donate or EventKind.Bad).ToList();
        var expectedTotal = plan.Shape.ExpectedCount(0, 60);

        Assert.InRange(arrivals.Count, expectedTotal - (5 * Math.Sqrt(expectedTotal)), expectedTotal + (5 * Math.Sqrt(expectedTotal)));
        for (var s = 0; s < 60; s++)
        {
            var expected = plan.Shape.ExpectedCount(s, s + 1);
            var actual = arrivals.Count(e => e.OffsetMicros / 1_000_000 == s);
            Assert.True(Math.Abs(actual - expected) <= (5 * Math.Sqrt(expected)) + 5, $"second {s}: expected ≈{expected:0}, got {actual}");
        }

        Assert.Equal(plan.Events.OrderBy(e => e.OffsetMicros).Select(e => e.Index), plan.Events.Select(e => e.Index));
    }

    [Fact]
    public void Standard_amounts_are_mostly_1_to_10_yuan_with_a_long_tail()
    {
        var random = new Random(3);
        var amounts = Enumerable.Range(0, 100_000).Select(_ => AmountMix.Draw(AmountProfile.Standard, random)).ToList();

        var oneToTen = amounts.Count(a => a is >= 100 and <= 1_000) / (double)amounts.Count;
        Assert.InRange(oneToTen, 0.70, 0.83);
        Assert.InRange(amounts.Count(a => a > 10_000) / (double)amounts.Count, 0.005, 0.05);
        Assert.True(amounts.Max() >= 500_000, $"a long tail: max {amounts.Max()}");
        Assert.All(amounts, a => Assert.InRange(a, AmountMix.MinFen, AmountMix.MaxFen));
    }

    [Fact]
    public void Micro_platform_gifts_are_mostly_at_most_1_yuan()
    {
        var random = new Random(4);
        var amounts = Enumerable.Range(0, 100_000).Select(_ => AmountMix.Draw(AmountProfile.Micro, random)).ToList();

        Assert.InRange(amounts.Count(a => a <= 100) / (double)amounts.Count, 0.80, 0.90);
        Assert.All(amounts, a => Assert.InRange(a, AmountMix.MinFen, AmountMix.MaxFen));
    }

    [Fact]
    public void Project_popularity_is_zipf()
    {
        var zipf = new Zipf(1000, 1.07);
        Assert.Equal(Math.Pow(100, 1.07), zipf.Probability(0) / zipf.Probability(99), 6);
        Assert.Equal(1.0, Enumerable.Range(0, 1000).Sum(zipf.Probability), 9);

        var plan = Plan();
        var donations = plan.Events.Where(e => e.Kind == EventKind.Donate && !e.Bot).ToList();
        var top = plan.Population.ByPopularity.Take(5).ToHashSet();
        var topShare = donations.Count(d => top.Contains(d.ProjectId)) / (double)donations.Count;
        Assert.InRange(topShare, 0.25, 0.45); // 1% of the projects take about a third of the gifts
    }

    [Fact]
    public void Population_has_partners_families_and_closed_projects()
    {
        var plan = Plan();
        var population = plan.Population;

        Assert.Equal(5, Population.Partners.Count);
        Assert.Equal(1.0, Population.Partners.Sum(p => p.Share), 9);
        Assert.Single(Population.Partners, p => p.Amounts == AmountProfile.Micro);
        Assert.Equal(Population.ClosedProjects, population.Projects.Count(p => p.Closed));
        var parents = population.Parents.ToList();
        Assert.Equal(500 / Population.FamilyEvery, parents.Count);
        Assert.All(parents, p => Assert.Equal(Population.ChildrenPerParent, population.Projects.Count(c => c.ParentProjectId == p.ProjectId)));
        Assert.Equal(1 + Population.ChildrenPerParent, plan.Pool(PoolPlan.Family).ProjectIds!.Count);

        var donations = plan.Events.Where(e => e.Kind == EventKind.Donate && !e.Bot).ToList();
        Assert.Equal(Population.Partners.Count, donations.Select(d => d.Partner).Distinct().Count());
        var returning = donations.GroupBy(d => (d.Partner, d.DonorId)).Count(g => g.Count() > 1);
        Assert.True(returning > donations.Count / 20, $"donors come back: {returning} gave more than once");
    }

    [Fact]
    public void Follow_ups_refer_to_earlier_donations_and_keep_their_payload()
    {
        var plan = Plan();
        var events = plan.Events;
        var donations = events.Count(e => e.Kind == EventKind.Donate && !e.Bot);

        foreach (var e in events.Where(e => e.RefersTo >= 0))
        {
            var original = events[e.RefersTo];
            Assert.Equal(EventKind.Donate, original.Kind);
            Assert.True(original.OffsetMicros <= e.OffsetMicros, $"{e.Kind} {e.Index} before its donation");
            Assert.Equal((original.Partner, original.DonationId, original.ProjectId, original.DonorId), (e.Partner, e.DonationId, e.ProjectId, e.DonorId));
            if (e.Kind == EventKind.Bad)
            {
                Assert.Equal(BadKind.Conflict, e.Bad);
                Assert.NotEqual(original.AmountFen, e.AmountFen);
            }
            else
            {
                Assert.Equal(original.AmountFen, e.AmountFen);
            }
        }

        Assert.InRange(events.Count(e => e.Kind == EventKind.Refund) / (double)donations, 0.008, 0.02);
        Assert.InRange(events.Count(e => e.Kind == EventKind.Redeliver) / (double)donations, 0.005, 0.015);
        Assert.InRange(events.Count(e => e.ImpatientMs > 0) / (double)donations, 0.01, 0.02);
        Assert.InRange(events.Count(e => e.Kind == EventKind.Bad) / (double)events.Count, 0.002, 0.008);
        Assert.Equal(events.Count, events.Select(e => (e.Partner, e.DonationId, e.Kind, e.Bad)).Distinct().Count());
    }

    [Fact]
    public void Scripted_donors_post_more_often_than_the_minute_limit_allows()
    {
        var plan = Plan(seconds: 120, peak: 200, bots: 6);
        var bots = plan.Events.Where(e => e.Bot).GroupBy(e => e.DonorId).ToList();

        Assert.Equal(6, bots.Count);
        foreach (var bot in bots)
        {
            var times = bot.Select(e => e.OffsetMicros).Order().ToList();
            var mostInAMinute = times.Select((t, i) => times.Skip(i).TakeWhile(u => u - t < 60_000_000).Count()).Max();
            Assert.True(mostInAMinute > ScenarioPlanner.MinuteCount, $"{bot.Key}: at most {mostInAMinute} in a minute");
        }

        var clawedBack = plan.Manager.Where(m => m.Kind == ManagerActionKind.Clawback).SelectMany(m => m.DonorIds).Order();
        Assert.Equal(bots.Select(b => b.Key).Order(), clawedBack);
    }

    [Fact]
    public void Manager_opens_tops_up_pauses_resumes_and_claws_back_during_the_day()
    {
        var plan = Plan();
        var kinds = plan.Manager.Select(m => m.Kind).ToList();

        Assert.Equal(
            [ManagerActionKind.OpenTranche, ManagerActionKind.TopUp, ManagerActionKind.Pause, ManagerActionKind.Resume, ManagerActionKind.Clawback, ManagerActionKind.Clawback],
            kinds);
        Assert.All(plan.Manager, m => Assert.InRange(m.OffsetMicros, 0, 60_000_000));
        Assert.Equal(plan.Manager.OrderBy(m => m.OffsetMicros), plan.Manager);
        Assert.Equal((long)(plan.Shape.OpeningSeconds * 1_000_000), plan.Manager[0].OffsetMicros);
        Assert.True(plan.Pool(PoolPlan.Flash).StartsPaused);
        Assert.True(plan.Pool(PoolPlan.Flash).WantIsExact);
    }
}
