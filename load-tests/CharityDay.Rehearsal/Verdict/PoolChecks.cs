using static CharityDay.Rehearsal.Verdict.Checks;

namespace CharityDay.Rehearsal.Verdict;

/// <summary>SPEC §3 invariants 1, 2 and 4 for each pool, from the pool reads and from the acknowledged matches.</summary>
internal static class PoolChecks
{
    private static readonly TimeSpan Minute = TimeSpan.FromSeconds(60);

    public static IEnumerable<Check> Evaluate(VerdictInput input, ServerView server, Expected expected)
    {
        foreach (var pool in input.Pools)
        {
            var key = pool.Plan.Key;
            if (!server.Pools.TryGetValue(pool.PoolId, out var read))
            {
                yield return new($"pool {key} readable", false, "200", "no answer");
                continue;
            }

            yield return Equal($"pool {key}: matched = matches still in force (fen)", expected.PoolMatched.GetValueOrDefault(pool.PoolId), read.Matched);
            var consistent = read.Budget == pool.FinalBudgetFen && read.Matched <= read.Budget && read.Remaining == read.Budget - read.Matched;
            yield return new($"pool {key}: matched ≤ budget, remaining = budget − matched",
                consistent, $"budget {N(pool.FinalBudgetFen)}, matched ≤ budget, remaining = budget − matched",
                $"budget {N(read.Budget)}, matched {N(read.Matched)}, remaining {N(read.Remaining)}");
            if (pool.Plan.WantIsExact)
            {
                yield return Stranded(input, pool, read);
            }
        }

        yield return NeverOverspent(input);
        yield return MinuteLimit(input);
        if (input.Acknowledged.Any(d => d.Bot))
        {
            var main = input.Pools.FirstOrDefault(p => p.Plan.PerDonorMinuteCount is not null);
            var held = input.Acknowledged.Count(d => d.Bot && main is not null && !d.Matches.ContainsKey(main.PoolId));
            yield return new("scripted donors were held back by perDonorMinuteCount or clawback", held > 0,
                "some scripted gifts unmatched", $"{N(held)} of {N(input.Acknowledged.Count(d => d.Bot))} unmatched");
        }

        yield return PausesRespected(input);
        yield return Clawbacks(input);
    }

    /// <summary>
    /// Invariant 2 for a pool whose "want" is exact: once a donation got less than it wanted (with no
    /// money returned to the pool afterwards), the pool must end with exactly 0 remaining.
    /// </summary>
    private static Check Stranded(VerdictInput input, PoolFact pool, Run.PoolAnswer read)
    {
        var refunded = input.Refunds.Where(r => r.RefundedAt is not null).ToDictionary(r => r.Key, r => r.RefundedAt!.Value, StringComparer.Ordinal);
        var lastReturn = input.Acknowledged
            .Where(d => d.Matches.ContainsKey(pool.PoolId) && refunded.ContainsKey(d.Key))
            .Select(d => refunded[d.Key])
            .Concat(pool.Clawbacks.Select(c => c.At))
            .DefaultIfEmpty(DateTimeOffset.MinValue).Max();
        var shortfalls = input.Acknowledged.Count(d =>
            d.AcceptedAt > lastReturn && d.SentMicros >= pool.MatchingSinceMicros
            && d.Matches.GetValueOrDefault(pool.PoolId) < pool.Plan.Want(d.AmountFen));
        var name = $"pool {pool.Plan.Key}: no stranded budget (a donation got less than it wanted only when the pool was empty)";
        return shortfalls == 0
            ? new(name, true, "remaining 0 once demand exceeded the budget", $"demand never exceeded the budget; remaining {N(read.Remaining)}")
            : new(name, read.Remaining == 0, "remaining 0 once demand exceeded the budget", $"{N(shortfalls)} donations matched short; remaining {N(read.Remaining)}");
    }

    /// <summary>Invariant 1 at every instant, replaying the acknowledged matches in acceptance order.</summary>
    private static Check NeverOverspent(VerdictInput input)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(input.TimeZone);
        var refunded = input.Refunds.Where(r => r.RefundedAt is not null).ToDictionary(r => r.Key, r => r.RefundedAt!.Value, StringComparer.Ordinal);
        var problems = new List<string>();
        long examined = 0;
        foreach (var pool in input.Pools)
        {
            var clawedAt = pool.Clawbacks.GroupBy(c => c.DonorId).ToDictionary(g => g.Key, g => g.Min(c => c.At), StringComparer.Ordinal);
            var timeline = new List<(DateTimeOffset At, int Order, DonationFact D, long Amount)>();
            foreach (var d in input.Acknowledged)
            {
                if (d.Matches.GetValueOrDefault(pool.PoolId) is var m and > 0)
                {
                    timeline.Add((d.AcceptedAt, 1, d, m));
                    DateTimeOffset? reversed = refunded.TryGetValue(d.Key, out var r) ? r : null;
                    if (clawedAt.TryGetValue(d.DonorId, out var c) && (reversed is null || c < reversed))
                    {
                        reversed = c > d.AcceptedAt ? c : d.AcceptedAt;
                    }

                    if (reversed is { } at)
                    {
                        timeline.Add((at, 0, d, -m)); // returns first at equal times: never a false alarm
                    }
                }
            }

            var plan = pool.Plan;
            long total = 0;
            var perDay = new Dictionary<DateOnly, long>();
            var perProject = new Dictionary<string, long>(StringComparer.Ordinal);
            var perDonorDay = new Dictionary<(string, string, DateOnly), (long Sum, int Count)>();
            foreach (var (at, _, d, amount) in timeline.OrderBy(t => t.At).ThenBy(t => t.Order))
            {
                examined++;
                var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(d.AcceptedAt, zone).DateTime);
                var budget = plan.BudgetFen + pool.BudgetChanges.Where(c => c.At <= at).Sum(c => c.DeltaFen);
                total += amount;
                var dayTotal = perDay[day] = perDay.GetValueOrDefault(day) + amount;
                var projectTotal = perProject[d.ProjectId] = perProject.GetValueOrDefault(d.ProjectId) + amount;
                var donor = perDonorDay.GetValueOrDefault((d.PartnerId, d.DonorId, day));
                donor = perDonorDay[(d.PartnerId, d.DonorId, day)] = (donor.Sum + amount, donor.Count + Math.Sign(amount));
                if (amount < 0)
                {
                    continue;
                }

                if (total > budget)
                {
                    problems.Add($"{plan.Key} matched {total} > budget {budget} at {at:O}");
                }

                if (plan.DailyBudgetFen is { } daily && dayTotal > daily)
                {
                    problems.Add($"{plan.Key} matched {dayTotal} on {day} > dailyBudget {daily}");
                }

                if (plan.PerProjectCapFen is { } projectCap && projectTotal > projectCap)
                {
                    problems.Add($"{plan.Key} project {d.ProjectId} matched {projectTotal} > perProjectCap {projectCap}");
                }

                if (plan.PerDonorDailyCapFen is { } donorCap && donor.Sum > donorCap)
                {
                    problems.Add($"{plan.Key} donor {d.DonorId} matched {donor.Sum} > perDonorDailyCap {donorCap}");
                }

                if (plan.PerDonorDailyCount is { } donorCount && donor.Count > donorCount)
                {
                    problems.Add($"{plan.Key} donor {d.DonorId} matched {donor.Count} times > perDonorDailyCount {donorCount}");
                }

                if (plan.MinDonationFen is { } min && d.AmountFen < min)
                {
                    problems.Add($"{plan.Key} matched {d.DonationId} of {d.AmountFen} fen < minDonation {min}");
                }
            }
        }

        return None("pools never over-spent at any instant (budget, daily budget, per-project, per-donor caps and counts)", examined, problems, "match events");
    }

    private static Check MinuteLimit(VerdictInput input)
    {
        var problems = new List<string>();
        long examined = 0;
        foreach (var pool in input.Pools.Where(p => p.Plan.PerDonorMinuteCount is not null))
        {
            var limit = pool.Plan.PerDonorMinuteCount!.Value;
            foreach (var donor in input.Acknowledged.Where(d => d.Matches.ContainsKey(pool.PoolId)).GroupBy(d => (d.PartnerId, d.DonorId)))
            {
                var times = donor.Select(d => d.AcceptedAt).Order().ToList();
                examined += times.Count;
                for (int i = 0, j = 0; j < times.Count; j++)
                {
                    // Strictly less than a minute apart (minus the millisecond the timestamps are rounded to).
                    while (times[j] - times[i] >= Minute - TimeSpan.FromMilliseconds(1))
                    {
                        i++;
                    }

                    if (j - i + 1 > limit)
                    {
                        problems.Add($"{pool.Plan.Key}: {donor.Key.DonorId} matched {j - i + 1} times within a minute (limit {limit})");
                        break;
                    }
                }
            }
        }

        return None("perDonorMinuteCount held: no donor matched more often in any rolling minute", examined, problems, "matched donations");
    }

    private static bool InPause(PoolFact pool, DonationFact d) =>
        d.SentMicros >= 0 && pool.PausedWindows.Any(w => d.SentMicros >= w.FromMicros && d.AnsweredMicros <= w.ToMicros);

    /// <summary>Invariant 4: a donation sent after a pause was acknowledged and answered before the resume was sent got nothing from that pool.</summary>
    private static Check PausesRespected(VerdictInput input)
    {
        var problems = new List<string>();
        long examined = 0;
        foreach (var pool in input.Pools.Where(p => p.PausedWindows.Count > 0))
        {
            foreach (var d in input.Acknowledged.Where(d => InPause(pool, d)))
            {
                examined++;
                if (d.Matches.GetValueOrDefault(pool.PoolId) != 0)
                {
                    problems.Add($"{pool.Plan.Key} matched {d.DonationId} while paused");
                }
            }
        }

        return None("paused pools matched nothing between the acknowledged pause and the resume", examined, problems, "donations in pauses");
    }

    /// <summary>A clawback returns exactly what the donor had been matched by the pool (refunded donations excepted).</summary>
    private static Check Clawbacks(VerdictInput input)
    {
        var refunded = input.Refunds.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        var examined = 0;
        foreach (var pool in input.Pools)
        {
            foreach (var donor in pool.Clawbacks.GroupBy(c => c.DonorId))
            {
                examined++;
                var matched = input.Acknowledged.Where(d => d.DonorId == donor.Key && !refunded.Contains(d.Key)).Sum(d => d.Matches.GetValueOrDefault(pool.PoolId));
                var returned = donor.Sum(c => c.ReturnedFen);
                if (matched != returned)
                {
                    problems.Add($"{donor.Key} on {pool.Plan.Key}: returned {returned}, had been matched {matched}");
                }
            }
        }

        return None("clawbacks returned exactly the flagged donors' matches", examined, problems, "clawed-back donors");
    }
}
