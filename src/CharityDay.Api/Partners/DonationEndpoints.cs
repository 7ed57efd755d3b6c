using System.Runtime.CompilerServices;
using System.Text.Json;
using CharityDay.Api.Auth;
using CharityDay.Api.Http;
using CharityDay.Api.OpenApi;
using CharityDay.Api.ReadSide;
using CharityDay.Api.Schemas;
using CharityDay.Contracts;
using CharityDay.Contracts.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace CharityDay.Api.Partners;

/// <summary>SPEC §4 partner endpoints: post (single and batch), read and refund donations.</summary>
public static class DonationEndpoints
{
    public const int MaxBatchItems = 1000;

    public static RouteGroupBuilder MapDonations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/donations").WithTags("Donations").RequireAuthorization(KeyPolicies.Partner)
            .ProducesProblems(400, 401, 403, 429, 503);
        group.MapPost("/", PostOne).WithName("PostDonation")
            .WithSummary("Post one donation (201 new, 200 replay)")
            .Accepts<DonationBody>("application/json").ProducesProblems(404, 409, 413, 422)
            .Produces<Donation>(StatusCodes.Status201Created)
            .Produces<Donation>(StatusCodes.Status200OK);
        group.MapPost("/batch", PostBatch).WithName("PostDonationBatch")
            .WithSummary("Post up to 1000 donations; each item succeeds or fails on its own")
            .Accepts<DonationBatchBody>("application/json").ProducesProblems(413)
            .Produces<DonationBatchResult>();
        group.MapGet("/{donationId}", Get).WithName("GetDonation")
            .WithSummary("Read one of the partner's donations")
            .AddEndpointFilter<PartnerReadQuota>().WithIdentifiers("donationId")
            .Produces<Donation>().ProducesProblems(404);
        group.MapPost("/{donationId}/refund", Refund).WithName("RefundDonation")
            .WithSummary("Refund one of the partner's donations (idempotent)")
            .AddEndpointFilter<PartnerReadQuota>().WithIdentifiers("donationId")
            .Produces<Donation>().ProducesProblems(404);
        group.MapBadIdFallback("", "donationId", ["GET", "POST"]);
        return group;
    }

    private static async Task<IResult> PostOne(HttpContext context, Caller caller, CatalogReplica catalog, DonationCoalescer coalescer, PartnerRateLimiter limiter)
    {
        try
        {
            return await PostOneAsync(context, caller.PartnerId!, catalog, coalescer, limiter);
        }
        catch (Exception) when (CountFailed(caller.PartnerId!, 1))
        {
            throw; // never reached: the filter counts and lets the error through to ApiComposition's 503
        }
    }

    private static async Task<IResult> PostOneAsync(HttpContext context, string partnerId, CatalogReplica catalog, DonationCoalescer coalescer, PartnerRateLimiter limiter)
    {
        if (await LimitAsync(context, limiter, partnerId, 1) is { } limited)
        {
            return limited;
        }
        var (body, malformed) = await JsonBody.ReadObjectAsync(context.Request, JsonBody.DefaultLimitBytes);
        if (malformed is not null)
        {
            return Rejected(partnerId, "invalid", malformed);
        }
        var (request, problem, _) = DonationInput.Parse(body, partnerId);
        if (problem is not null)
        {
            return Rejected(partnerId, "invalid", problem);
        }
        var campaignId = await catalog.CampaignOfProjectAsync(request!.ProjectId);
        var outcome = campaignId is null
            ? DonationOutcome.Of(DonationResultKind.ProjectNotFound, $"project {request.ProjectId} does not exist")
            : await coalescer.SubmitAsync(campaignId, request);
        Count(request.PartnerId, Result(outcome.Kind), outcome.Kind.ToString());
        return ToResult(outcome);
    }

    private static async Task<IResult> PostBatch(HttpContext context, Caller caller, GrainReferences grains, CatalogReplica catalog, PartnerRateLimiter limiter)
    {
        var partnerId = caller.PartnerId!;
        var (body, malformed) = await JsonBody.ReadObjectAsync(context.Request, JsonBody.BatchLimitBytes);
        if (malformed is not null)
        {
            return Rejected(partnerId, "invalid", malformed);
        }
        // The envelope is as strict as each item: {donations:[...]} and nothing else.
        var envelope = new FieldReader(body);
        if (!envelope.TryGet("donations", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            envelope.Error("donations", "must be an array of donations");
        }
        if (envelope.HasErrors)
        {
            return Rejected(partnerId, "invalid", ApiProblem.Invalid(envelope.Errors));
        }
        var count = items.GetArrayLength();
        if (count == 0 || count > MaxBatchItems)
        {
            return ApiProblem.Invalid("donations", $"must have 1–{MaxBatchItems} items");
        }
        // Donations this batch answers 503 if an error escapes from here on (the invalid ones are
        // counted as such, once): counted as Failed by the exception filter.
        var pending = new StrongBox<int>(count);
        try
        {
            return await PostBatchItemsAsync(context, partnerId, items, count, pending, grains, catalog, limiter);
        }
        catch (Exception) when (CountFailed(partnerId, pending.Value))
        {
            throw; // never reached, as in PostOne
        }
    }

    private static async Task<IResult> PostBatchItemsAsync(HttpContext context, string partnerId, JsonElement items, int count, StrongBox<int> pending,
        GrainReferences grains, CatalogReplica catalog, PartnerRateLimiter limiter)
    {
        if (await LimitAsync(context, limiter, partnerId, count) is { } limited)
        {
            return limited;
        }

        var results = new object?[count];
        var valid = new List<(int Index, DonationRequest Request)>();
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var (request, _, details) = DonationInput.Parse(item, partnerId);
            if (details is not null)
            {
                Count(partnerId, "rejected", "invalid");
                results[index] = new { index, status = details.Status, error = details };
            }
            else
            {
                valid.Add((index, request!));
            }
            index++;
        }
        pending.Value = valid.Count;
        var outcomes = await SubmitAsync(grains, catalog, [.. valid.Select(v => v.Request)]);
        for (var i = 0; i < valid.Count; i++)
        {
            results[valid[i].Index] = BatchItem(valid[i].Index, outcomes[i]);
        }
        if (outcomes.Any(o => o.Kind == DonationResultKind.Overloaded))
        {
            // Items were shed: tell the partner when to resend them (same ids), as a single post's 429 does.
            context.Response.Headers.RetryAfter = "1";
        }
        return TypedResults.Ok(new { results });
    }

    /// <summary>
    /// SPEC §4: every donation counts against the partner's limit (a batch of N counts N); the answer
    /// carries the RateLimit fields either way. Null when the donations may go on.
    /// </summary>
    private static async Task<IResult?> LimitAsync(HttpContext context, PartnerRateLimiter limiter, string partnerId, int donations)
    {
        var decision = await limiter.TryAcquireAsync(partnerId, donations);
        RateLimitHeaders.Write(context.Response, decision);
        if (decision.Allowed)
        {
            return null;
        }
        var problem = decision.NeverFits
            ? ApiProblem.BatchOverRateLimit(
                $"a batch of {donations} donations can never pass partner {partnerId}'s limit of {decision.Limit} per second: send at most {decision.Limit} per batch",
                decision.Limit, Math.Max(1, decision.ResetSeconds))
            : ApiProblem.RateLimited(
                $"partner {partnerId} is over its rate limit of {decision.Limit} donations per second ({decision.Remaining} left now, {donations} asked)",
                decision.RetryAfterSeconds);
        return Rejected(partnerId, "rate_limited", problem);
    }

    private static async Task<IResult> Get(HttpContext context, Caller caller, string donationId, IGrainFactory grains, DonationMissBudget misses)
    {
        if (!misses.MayLookUp(caller.PartnerId!))
        {
            return ApiProblem.RateLimited($"partner {caller.PartnerId} asked for too many unknown donation ids; at most {DonationMissBudget.MissesPerSecond} per second");
        }
        var donation = await grains.GetGrain<IDonationLookupGrain>(0).Get(caller.PartnerId!, donationId);
        if (donation is null)
        {
            misses.Missed(caller.PartnerId!);
        }
        return donation is null
            ? ApiProblem.NotFound("donationId", $"donation {donationId} not found for partner {caller.PartnerId}")
            : TypedResults.Ok(DonationJson.Of(donation, replayed: false));
    }

    private static async Task<IResult> Refund(HttpContext context, Caller caller, string donationId, IGrainFactory grains, DonationMissBudget misses)
    {
        if (await JsonBody.ReadNoFieldsAsync(context.Request) is { } strayBody)
        {
            return strayBody;
        }
        if (!misses.MayLookUp(caller.PartnerId!))
        {
            return ApiProblem.RateLimited($"partner {caller.PartnerId} asked for too many unknown donation ids; at most {DonationMissBudget.MissesPerSecond} per second");
        }
        var outcome = await grains.GetGrain<IDonationLookupGrain>(0).Refund(caller.PartnerId!, donationId);
        if (outcome.Kind == RefundResultKind.NotFound)
        {
            misses.Missed(caller.PartnerId!);
        }
        return outcome.Kind switch
        {
            RefundResultKind.NotFound => ApiProblem.NotFound("donationId", $"donation {donationId} not found for partner {caller.PartnerId}"),
            // SPEC §6: the project reported spending money this refund would take back; nothing changed.
            RefundResultKind.ExceedsUnspent => ApiProblem.NotAllowed("refund-exceeds-unspent", "The project has already reported spending this money.", "donationId",
                $"refunding donation {donationId} would leave its project with less raised + matched than it has reported spent; the campaign's manager files a correcting use-of-funds report first"),
            // SPEC §2: refunding twice returns the same result, so a repeat answers exactly what the first did.
            _ => TypedResults.Ok(DonationJson.Of(outcome.Donation!, replayed: false)),
        };
    }

    /// <summary>
    /// Groups the donations by campaign: one grain call per campaign, all at once, answered in input
    /// order. The same donationId sent to projects of two campaigns would race to the ledger in
    /// parallel calls; such an item, and every later one with its id, waits for a later round, so the
    /// batch is judged as if its items were posted one after another.
    /// </summary>
    private static async Task<DonationOutcome[]> SubmitAsync(GrainReferences grains, CatalogReplica catalog, IReadOnlyList<DonationRequest> requests)
    {
        var outcomes = new DonationOutcome[requests.Count];
        var campaigns = new string?[requests.Count];
        var remaining = new List<int>();
        for (var i = 0; i < requests.Count; i++)
        {
            campaigns[i] = await catalog.CampaignOfProjectAsync(requests[i].ProjectId);
            if (campaigns[i] is null)
            {
                outcomes[i] = DonationOutcome.Of(DonationResultKind.ProjectNotFound, $"project {requests[i].ProjectId} does not exist");
            }
            else
            {
                remaining.Add(i);
            }
        }
        while (remaining.Count > 0)
        {
            var campaignOfId = new Dictionary<string, string>(StringComparer.Ordinal);
            var deferredIds = new HashSet<string>(StringComparer.Ordinal);
            var byCampaign = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            var deferred = new List<int>();
            foreach (var i in remaining)
            {
                var (donationId, campaignId) = (requests[i].DonationId, campaigns[i]!);
                if (deferredIds.Contains(donationId) || (!campaignOfId.TryAdd(donationId, campaignId) && campaignOfId[donationId] != campaignId))
                {
                    deferredIds.Add(donationId);
                    deferred.Add(i);
                    continue;
                }
                if (!byCampaign.TryGetValue(campaignId, out var indexes))
                {
                    byCampaign[campaignId] = indexes = [];
                }
                indexes.Add(i);
            }
            await Task.WhenAll(byCampaign.Select(async pair =>
            {
                var answered = await grains.Campaign(pair.Key).Donate([.. pair.Value.Select(i => requests[i])]);
                for (var j = 0; j < pair.Value.Count; j++)
                {
                    outcomes[pair.Value[j]] = answered[j];
                }
            }));
            remaining = deferred;
        }
        for (var i = 0; i < requests.Count; i++)
        {
            Count(requests[i].PartnerId, Result(outcomes[i].Kind), outcomes[i].Kind.ToString());
        }
        return outcomes;
    }

    private static IResult ToResult(DonationOutcome outcome) => outcome.Kind switch
    {
        DonationResultKind.Created => TypedResults.Json(DonationJson.Of(outcome.Donation!, replayed: false), statusCode: StatusCodes.Status201Created),
        DonationResultKind.Replayed => TypedResults.Ok(DonationJson.Of(outcome.Donation!, replayed: true)),
        _ => ProblemFor(outcome),
    };

    private static object BatchItem(int index, DonationOutcome outcome) => outcome.Kind switch
    {
        DonationResultKind.Created => new { index, status = StatusCodes.Status201Created, donation = DonationJson.Of(outcome.Donation!, false) },
        DonationResultKind.Replayed => new { index, status = StatusCodes.Status200OK, donation = DonationJson.Of(outcome.Donation!, true) },
        _ => new { index, status = StatusOf(outcome.Kind), error = DetailsFor(outcome) },
    };

    private static IResult ProblemFor(DonationOutcome outcome) => outcome.Kind switch
    {
        DonationResultKind.Overloaded => ApiProblem.Overloaded(outcome.Detail ?? "overloaded"),
        DonationResultKind.Failed => ApiProblem.Unavailable(outcome.Detail ?? "the write failed"),
        _ => TypedResults.Problem(DetailsFor(outcome)),
    };

    private static int StatusOf(DonationResultKind kind) => kind switch
    {
        DonationResultKind.Conflict => StatusCodes.Status409Conflict,
        DonationResultKind.ProjectNotFound => StatusCodes.Status404NotFound,
        DonationResultKind.ProjectClosed => StatusCodes.Status422UnprocessableEntity,
        DonationResultKind.PledgeNotAllowed => StatusCodes.Status422UnprocessableEntity,
        DonationResultKind.PledgeAlreadyCharged => StatusCodes.Status409Conflict,
        DonationResultKind.PointsNotConvertible => StatusCodes.Status422UnprocessableEntity,
        DonationResultKind.Overloaded => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status503ServiceUnavailable,
    };

    private static ProblemDetails DetailsFor(DonationOutcome outcome) => outcome.Kind switch
    {
        DonationResultKind.Conflict => ApiProblem.Details(StatusOf(outcome.Kind), "idempotency-conflict",
            "A different donation with this donationId exists.", outcome.Detail, [new FieldError("donationId", outcome.Detail ?? "conflict")]),
        DonationResultKind.ProjectNotFound => ApiProblem.Details(StatusOf(outcome.Kind), "not-found", "Not found.",
            outcome.Detail, [new FieldError("projectId", outcome.Detail ?? "unknown project")]),
        DonationResultKind.ProjectClosed => ApiProblem.Details(StatusOf(outcome.Kind), "project-closed", "The project is closed.",
            outcome.Detail, [new FieldError("projectId", outcome.Detail ?? "closed")]),
        DonationResultKind.PledgeNotAllowed => ApiProblem.Details(StatusOf(outcome.Kind), "pledge-mismatch",
            "The gift does not match an active pledge.", outcome.Detail, [new FieldError("pledgeId", outcome.Detail ?? "no such active pledge")]),
        DonationResultKind.PledgeAlreadyCharged => ApiProblem.Details(StatusOf(outcome.Kind), "pledge-already-charged",
            "The pledge was already charged this month.", outcome.Detail, [new FieldError("pledgeId", outcome.Detail ?? "already charged")]),
        DonationResultKind.PointsNotConvertible => ApiProblem.Details(StatusOf(outcome.Kind), "points-not-convertible",
            "No conversion pool of the points programme can pay for these points now.", outcome.Detail,
            [new FieldError("points", outcome.Detail ?? "no conversion pool can pay a fen")]),
        DonationResultKind.Overloaded => ApiProblem.Details(StatusOf(outcome.Kind), "overloaded", "The service is shedding load; retry later.", outcome.Detail),
        _ => ApiProblem.Details(StatusOf(outcome.Kind), "unavailable", "The service cannot take this request now.", outcome.Detail),
    };

    private static string Result(DonationResultKind kind) => kind switch
    {
        DonationResultKind.Created => "accepted",
        DonationResultKind.Replayed => "replayed",
        _ => "rejected",
    };

    private static IResult Rejected(string partnerId, string reason, IResult problem)
    {
        Count(partnerId, "rejected", reason);
        return problem;
    }

    /// <summary>
    /// A donation answered by an error rather than an outcome (a silo lost mid-call, the database away:
    /// the 503 ApiComposition writes, retried by the partner with the same ids) still counts, as
    /// rejected/Failed like a Failed outcome. Always false, so the exception filter using it catches nothing.
    /// </summary>
    private static bool CountFailed(string partnerId, int donations)
    {
        CharityDayTelemetry.Donations.Add(donations,
            new KeyValuePair<string, object?>("partner", partnerId),
            new KeyValuePair<string, object?>("result", Result(DonationResultKind.Failed)),
            new KeyValuePair<string, object?>("reason", nameof(DonationResultKind.Failed)));
        return false;
    }

    private static void Count(string partnerId, string result, string reason) =>
        CharityDayTelemetry.Donations.Add(1,
            new KeyValuePair<string, object?>("partner", partnerId),
            new KeyValuePair<string, object?>("result", result),
            new KeyValuePair<string, object?>("reason", reason));
}
