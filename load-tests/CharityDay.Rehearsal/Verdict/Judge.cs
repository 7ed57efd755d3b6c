using CharityDay.Rehearsal.Run;
using static CharityDay.Rehearsal.Verdict.Checks;

namespace CharityDay.Rehearsal.Verdict;

/// <summary>
/// The verdict: holds what the API shows after the run to what it acknowledged during the run.
/// Pure: facts in, checks out, so it can be fed a deliberately broken result.
/// </summary>
public static class Judge
{
    public static VerdictResult Evaluate(VerdictInput input, ServerView server)
    {
        var expected = new Expected(input);
        var checks = new List<Check>
        {
            new("the run acknowledged donations", input.Acknowledged.Count > 0, "at least 1", N(input.Acknowledged.Count)),
            Equal("every unknown outcome was resolved by a lookup", 0, input.StillUnknown),
            EveryDonationPresent(input, server, expected),
        };

        if (server.Campaign is { } campaign)
        {
            checks.Add(Equal("campaign raised = acknowledged − refunded (fen)", expected.Campaign.RaisedFen, campaign.Raised));
            checks.Add(Equal("campaign donationCount = acknowledged − refunded", expected.Campaign.Count, campaign.DonationCount));
            checks.Add(Equal("campaign matched = matches still in force (fen)", expected.Campaign.MatchedFen, campaign.Matched));
        }
        else
        {
            checks.Add(new("campaign readable", false, "200", "no answer"));
        }

        checks.Add(ProjectTotals(server, expected));
        checks.AddRange(PoolChecks.Evaluate(input, server, expected));
        checks.Add(Replays(input));
        checks.Add(Refunds(input));
        checks.Add(BadRequests(input));
        checks.Add(NoTrace(input, server));
        return new VerdictResult(checks);
    }

    private static Check EveryDonationPresent(VerdictInput input, ServerView server, Expected expected)
    {
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var examined = 0;
        foreach (var d in input.Acknowledged)
        {
            if (!seen.Add(d.Key))
            {
                problems.Add($"{d.DonationId} acknowledged as new twice");
                continue;
            }

            if (!server.Donations.TryGetValue(d.Key, out var found))
            {
                continue; // not in the sample looked up
            }

            examined++;
            if (found is null)
            {
                problems.Add($"{d.DonationId} missing (404)");
                continue;
            }

            var wantStatus = expected.Refunded[d.Key] ? "refunded" : "accepted";
            var now = DonationFact.From(found);
            if (found.Status != wantStatus)
            {
                problems.Add($"{d.DonationId} status {found.Status}, expected {wantStatus}");
            }
            else if (now.ProjectId != d.ProjectId || now.DonorId != d.DonorId || now.AmountFen != d.AmountFen || now.AcceptedAt != d.AcceptedAt)
            {
                problems.Add($"{d.DonationId} differs from its acknowledgement");
            }
            else if (!SameMatches(now.Matches, expected.LiveMatches[d.Key]))
            {
                problems.Add($"{d.DonationId} matches {Show(now.Matches)}, expected {Show(expected.LiveMatches[d.Key])}");
            }
        }

        return None("every acknowledged donation present once, as acknowledged (GET /v1/donations/{id})", examined, problems, "looked up");
    }

    private static Check ProjectTotals(ServerView server, Expected expected)
    {
        var problems = new List<string>();
        foreach (var (projectId, read) in server.Projects)
        {
            var own = expected.Projects.GetValueOrDefault(projectId, TotalsFen.Zero);
            var rollup = expected.Rollups.GetValueOrDefault(projectId, TotalsFen.Zero);
            if (read.Raised != own.RaisedFen || read.Matched != own.MatchedFen || read.DonationCount != own.Count)
            {
                problems.Add($"{projectId} raised/matched/count {read.Raised}/{read.Matched}/{read.DonationCount}, expected {own.RaisedFen}/{own.MatchedFen}/{own.Count}");
            }
            else if (read.Rollup.Raised != rollup.RaisedFen || read.Rollup.Matched != rollup.MatchedFen || read.Rollup.DonationCount != rollup.Count)
            {
                problems.Add($"{projectId} rollup {read.Rollup.Raised}/{read.Rollup.Matched}/{read.Rollup.DonationCount}, expected {rollup.RaisedFen}/{rollup.MatchedFen}/{rollup.Count}");
            }
            else if (!SameMatches(read.ByPartner.Where(p => p.Value != 0).ToDictionary(), expected.ByPartner.GetValueOrDefault(projectId) ?? []))
            {
                problems.Add($"{projectId} byPartner {Show(read.ByPartner)} differs");
            }
        }

        return None("project totals, per-partner raised and parent rollups exact", server.Projects.Count, problems, "projects");
    }

    private static Check Replays(VerdictInput input)
    {
        var problems = new List<string>();
        foreach (var r in input.Replays)
        {
            var (a, b) = (r.Original, r.Replay);
            if (!r.ReplayedFlag)
            {
                problems.Add($"{b.DonationId} ({r.Why}) not flagged replayed");
            }
            else if (a.DonationId != b.DonationId || a.ProjectId != b.ProjectId || a.DonorId != b.DonorId || a.AmountFen != b.AmountFen
                     || a.AcceptedAt != b.AcceptedAt || !SameMatches(a.Matches, b.Matches))
            {
                problems.Add($"{b.DonationId} ({r.Why}) answered {Show(b.Matches)} at {b.AcceptedAt:O}, first {Show(a.Matches)} at {a.AcceptedAt:O}");
            }
        }

        return None("replays identical to the first answer (same matches, replayed: true)", input.Replays.Count, problems, "replays");
    }

    private static Check Refunds(VerdictInput input)
    {
        var problems = new List<string>();
        foreach (var r in input.Refunds)
        {
            if (r.Status != "refunded" || r.RefundedAt is null)
            {
                problems.Add($"{r.DonationId} refund answered status {r.Status}");
            }
            else if (r.Second is { } again && (again.HttpStatus != 200 || again.Status != "refunded" || again.RefundedAt != r.RefundedAt))
            {
                problems.Add($"{r.DonationId} second refund answered {again.HttpStatus} {again.Status} at {again.RefundedAt:O}");
            }
        }

        return None("refunds acknowledged; refunding twice is a no-op", input.Refunds.Count, problems, "refunds");
    }

    private static Check BadRequests(VerdictInput input)
    {
        var problems = input.BadRequests
            .Where(b => b.Accepted || b.ActualStatus != b.ExpectedStatus || !b.ProblemJson)
            .Select(b => $"{b.Kind}: {b.ActualStatus}{(b.ProblemJson ? "" : " without problem+json")}, expected {b.ExpectedStatus}")
            .ToList();
        return None("bad requests refused with the right status and a problem+json body", input.BadRequests.Count, problems, "bad requests");
    }

    private static Check NoTrace(VerdictInput input, ServerView server)
    {
        var problems = new List<string>();
        foreach (var (partnerId, donationId) in input.MustBeAbsent)
        {
            if (server.AbsentStatuses.TryGetValue(DonationFact.DonationKey(partnerId, donationId), out var status) && status != 404)
            {
                problems.Add($"{donationId}: {status}");
            }
        }

        return None("refused donations left no trace (GET answers 404)", server.AbsentStatuses.Count, problems, "looked up");
    }

    internal static bool SameMatches(IReadOnlyDictionary<string, long> a, IReadOnlyDictionary<string, long> b) =>
        a.Count(kv => kv.Value != 0) == b.Count(kv => kv.Value != 0)
        && a.Where(kv => kv.Value != 0).All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    internal static string Show(IReadOnlyDictionary<string, long> matches) =>
        matches.Count == 0 ? "{}" : "{" + string.Join(", ", matches.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key.Split('-')[^1]}: {m.Value}")) + "}";
}
