using System.Globalization;

namespace CharityDay.Rehearsal.Scenario;

/// <summary>What shapes a scenario. Same settings (same seed) → the same sequence of requests.</summary>
public sealed record ScenarioSettings(int Seed, TimeSpan Duration, double PeakRate, int Projects, int Bots, string CampaignId);

/// <summary>The whole day, decided before the first request: requests, manager actions and pools.</summary>
public sealed record ScenarioPlan(
    ScenarioSettings Settings,
    DayShape Shape,
    Population Population,
    IReadOnlyList<PlannedEvent> Events,
    IReadOnlyList<ManagerAction> Manager,
    IReadOnlyList<PoolPlan> Pools)
{
    public PoolPlan Pool(string key) => Pools.Single(p => p.Key == key);
}

/// <summary>Builds a <see cref="ScenarioPlan"/> from a seed: one <see cref="Random"/>, drawn in a fixed order.</summary>
public static class ScenarioPlanner
{
    public const double BadShare = 0.005;
    public const double ImpatientShare = 0.015;
    public const double RedeliverShare = 0.01;
    public const double RefundShare = 0.015;
    public const double ReturningDonorShare = 0.3;

    /// <summary>The main pool's rolling-minute limit, which the scripted accounts trip.</summary>
    public const int MinuteCount = 5;

    private sealed record Draft(long OffsetMicros, int Order, EventKind Kind, int Partner, string DonationId, string ProjectId,
        string DonorId, long AmountFen, int RefersToOrder, BadKind Bad, int ImpatientMs, bool Bot);

    public static ScenarioPlan Plan(ScenarioSettings settings)
    {
        var random = new Random(settings.Seed);
        var shape = new DayShape(settings.Duration, settings.PeakRate);
        var population = Population.Create(settings.CampaignId, settings.Projects, random);
        var drafts = new List<Draft>();
        var donors = Population.Partners.Select(_ => new List<string>()).ToArray();
        var plainDonations = new List<int>(); // orders of donations nothing else refers to: conflict targets
        var totalMicros = (long)(shape.Seconds * 1_000_000);
        string NewId() => string.Create(CultureInfo.InvariantCulture, $"{settings.CampaignId}-d{drafts.Count:D8}");

        // Arrivals of a Poisson process whose rate follows the day (thinning at the peak rate).
        var t = 0.0;
        while (true)
        {
            t += -Math.Log(1 - random.NextDouble()) / shape.PeakRate;
            if (t >= shape.Seconds)
            {
                break;
            }

            if (random.NextDouble() * shape.PeakRate >= shape.RateAt(t))
            {
                continue;
            }

            var offset = (long)(t * 1_000_000);
            var partner = PickPartner(random);
            var profile = Population.Partners[partner];
            if (random.NextDouble() < BadShare)
            {
                drafts.Add(BadRequest(random, settings.CampaignId, drafts.Count, offset, partner, population, plainDonations, drafts, NewId()));
                continue;
            }

            var donor = PickDonor(random, donors[partner], profile);
            var order = drafts.Count;
            var special = random.NextDouble();
            var impatient = special < ImpatientShare ? random.Next(1, 25) : 0;
            drafts.Add(new Draft(offset, order, EventKind.Donate, partner, NewId(), population.SampleProject(random), donor,
                AmountMix.Draw(profile.Amounts, random), -1, BadKind.None, impatient, Bot: false));
            if (special >= ImpatientShare && special < ImpatientShare + RedeliverShare)
            {
                var at = offset + (long)(random.NextDouble() * 2.7 * 1_000_000) + 300_000;
                AddFollowUp(drafts, at, totalMicros, EventKind.Redeliver, order);
            }
            else if (special >= ImpatientShare + RedeliverShare && special < ImpatientShare + RedeliverShare + RefundShare)
            {
                var at = offset + (long)((0.03 + (random.NextDouble() * 0.17)) * totalMicros);
                AddFollowUp(drafts, at, totalMicros, EventKind.Refund, order);
            }
            else if (impatient == 0)
            {
                plainDonations.Add(order);
            }
        }

        var botIds = AddBots(settings, shape, population, random, drafts);
        var events = Finish(drafts);
        var pools = PlanPools(events, population);
        return new ScenarioPlan(settings, shape, population, events, PlanManager(shape, pools, botIds), pools);
    }

    private static int PickPartner(Random random)
    {
        var u = random.NextDouble();
        for (var i = 0; i < Population.Partners.Count - 1; i++)
        {
            u -= Population.Partners[i].Share;
            if (u < 0)
            {
                return i;
            }
        }

        return Population.Partners.Count - 1;
    }

    /// <summary>Donors come back: some gifts are from a donor this platform has already seen today.</summary>
    private static string PickDonor(Random random, List<string> seen, PartnerProfile profile)
    {
        if (seen.Count > 0 && random.NextDouble() < ReturningDonorShare)
        {
            return seen[random.Next(seen.Count)];
        }

        var id = string.Create(CultureInfo.InvariantCulture, $"{profile.DonorPrefix}-u{seen.Count:D7}");
        seen.Add(id);
        return id;
    }

    private static void AddFollowUp(List<Draft> drafts, long at, long totalMicros, EventKind kind, int original)
    {
        if (at < totalMicros)
        {
            var o = drafts[original];
            drafts.Add(o with { OffsetMicros = at, Order = drafts.Count, Kind = kind, RefersToOrder = original, ImpatientMs = 0 });
        }
    }

    private static Draft BadRequest(Random random, string campaignId, int order, long offset, int partner, Population population,
        List<int> plainDonations, List<Draft> drafts, string newId)
    {
        var kinds = Enum.GetValues<BadKind>()[1..];
        var bad = kinds[random.Next(kinds.Length)];
        var project = population.SampleProject(random);
        var donor = string.Create(CultureInfo.InvariantCulture, $"{Population.Partners[partner].DonorPrefix}-bad{order}");
        if (bad == BadKind.Conflict)
        {
            if (plainDonations.Count == 0)
            {
                bad = BadKind.UnknownProject;
            }
            else
            {
                // The same donationId as an earlier donation of this partner, with another amount.
                var target = plainDonations[random.Next(plainDonations.Count)];
                plainDonations.Remove(target);
                var o = drafts[target];
                return o with { OffsetMicros = Math.Max(offset, o.OffsetMicros + 1), Order = order, Kind = EventKind.Bad, RefersToOrder = target, Bad = bad, AmountFen = o.AmountFen + 1 };
            }
        }

        var id = bad == BadKind.InvalidDonationId ? $"bad id {order}!" : newId;
        project = bad switch
        {
            BadKind.UnknownProject => $"{campaignId}-nosuch{order}",
            BadKind.ClosedProject => population.ClosedProjectId(order),
            _ => project,
        };
        var amount = bad switch
        {
            BadKind.ZeroAmount => 0,
            BadKind.TooLarge => AmountMix.MaxFen + 1,
            _ => 500,
        };
        return new Draft(offset, order, EventKind.Bad, partner, id, project, donor, amount, -1, bad, 0, Bot: false);
    }

    /// <summary>
    /// Scripted accounts: each posts 1 yuan to the same project every few seconds (compressed with the
    /// day, but never slower than one a 5 s), far beyond the main pool's rolling-minute limit.
    /// </summary>
    private static List<string> AddBots(ScenarioSettings settings, DayShape shape, Population population, Random random, List<Draft> drafts)
    {
        var ids = new List<string>();
        var interval = Math.Clamp(shape.Seconds / 40, 0.25, 5);
        for (var b = 0; b < settings.Bots; b++)
        {
            var donor = string.Create(CultureInfo.InvariantCulture, $"bot-{b:D4}");
            ids.Add(donor);
            var project = population.ByPopularity[random.Next(Math.Min(50, population.ByPopularity.Count))];
            for (var s = (0.12 + (0.08 * random.NextDouble())) * shape.Seconds; s < 0.95 * shape.Seconds; s += interval * (0.9 + (0.2 * random.NextDouble())))
            {
                drafts.Add(new Draft((long)(s * 1_000_000), drafts.Count, EventKind.Donate, Population.BotPartner,
                    string.Create(CultureInfo.InvariantCulture, $"{settings.CampaignId}-d{drafts.Count:D8}"), project, donor, 100, -1, BadKind.None, 0, Bot: true));
            }
        }

        return ids;
    }

    /// <summary>Sorts by send time and turns the references between drafts into indexes of the final sequence.</summary>
    private static List<PlannedEvent> Finish(List<Draft> drafts)
    {
        var sorted = drafts.OrderBy(d => d.OffsetMicros).ThenBy(d => d.Order).ToList();
        var indexOfOrder = new int[drafts.Count];
        for (var i = 0; i < sorted.Count; i++)
        {
            indexOfOrder[sorted[i].Order] = i;
        }

        return
        [
            .. sorted.Select((d, i) => new PlannedEvent(i, d.OffsetMicros, d.Kind, d.Partner, d.DonationId, d.ProjectId, d.DonorId,
                d.AmountFen, d.RefersToOrder < 0 ? -1 : indexOfOrder[d.RefersToOrder], d.Bad, d.ImpatientMs, d.Bot)),
        ];
    }

    /// <summary>Budgets follow the planned demand, so every pool has a story at any scale: the opening tranche runs dry early.</summary>
    private static List<PoolPlan> PlanPools(List<PlannedEvent> events, Population population)
    {
        var donations = events.Where(e => e.Kind == EventKind.Donate).ToList();
        var demand = Math.Max(10_000, donations.Sum(e => e.AmountFen));
        var cappedDemand = Math.Max(10_000, donations.Sum(e => Math.Min(e.AmountFen, 2_000)));
        return
        [
            new PoolPlan(PoolPlan.Flash, "Opening tranche sponsor", Math.Max(1_000, demand / 25), Priority: 0, StartsPaused: true),
            new PoolPlan(PoolPlan.Main, "Festival matching fund", Math.Max(1_000, cappedDemand * 2 / 5), Priority: 1,
                PerDonationCapFen: 5_000, PerDonorDailyCapFen: 2_000, PerDonorDailyCount: 3, PerDonorMinuteCount: MinuteCount),
            new PoolPlan(PoolPlan.Family, "Clean water alliance", Math.Max(1_000, demand / 10), Priority: 2, RatioBps: 5_000,
                PerProjectCapFen: Math.Max(1_000, demand / 200), ProjectIds: population.FirstFamily()),
            new PoolPlan(PoolPlan.Lucky, "Lucky draw sponsor", Math.Max(1_000, demand / 15), Priority: 3, RatioBps: null,
                RandomRatioBps: new RatioRange(1_000, 30_000), MinDonationFen: 100, DailyBudgetFen: Math.Max(1_000, demand / 30)),
        ];
    }

    private static List<ManagerAction> PlanManager(DayShape shape, List<PoolPlan> pools, List<string> bots)
    {
        long At(double share) => (long)(share * shape.Seconds * 1_000_000);
        var main = pools.Single(p => p.Key == PoolPlan.Main);
        var half = bots.Count / 2;
        var actions = new List<ManagerAction>
        {
            new(At(DayShape.OpeningAt), ManagerActionKind.OpenTranche, PoolPlan.Flash, 0, []),
            new(At(0.35), ManagerActionKind.TopUp, PoolPlan.Main, Math.Max(100, main.BudgetFen / 4), []),
            new(At(0.48), ManagerActionKind.Pause, PoolPlan.Main, 0, []),
            new(At(0.56), ManagerActionKind.Resume, PoolPlan.Main, 0, []),
        };
        if (bots.Count > 0)
        {
            actions.Add(new(At(0.72), ManagerActionKind.Clawback, PoolPlan.Main, 0, bots[..Math.Max(1, half)]));
        }

        if (bots.Count > 1)
        {
            actions.Add(new(At(0.88), ManagerActionKind.Clawback, PoolPlan.Main, 0, bots[Math.Max(1, half)..]));
        }

        return actions;
    }
}
