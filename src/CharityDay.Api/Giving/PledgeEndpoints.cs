using System.Diagnostics;
using CharityDay.Api.Auth;
using CharityDay.Api.Http;
using CharityDay.Api.OpenApi;
using CharityDay.Api.ReadSide;
using CharityDay.Api.Schemas;
using CharityDay.Contracts;
using CharityDay.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CharityDay.Api.Giving;

/// <summary>
/// SPEC §7 monthly pledges: a partner creates or replaces one (PUT) and cancels it (POST …/cancel).
/// Both are decided by the pledge's campaign, the authority its charges are checked by.
/// </summary>
public static class PledgeEndpoints
{
    /// <summary>A pledge due on the 29th–31st charges on a shorter month's last day: the partner's schedule, not ours.</summary>
    public const int MaxDayOfMonth = 31;

    public static void MapPledges(this IEndpointRouteBuilder app)
    {
        var pledges = app.MapGroup("/v1/pledges").WithTags("Pledges").RequireAuthorization(KeyPolicies.Partner)
            .WithIdentifiers("pledgeId").ProducesProblems(400, 401, 403, 404, 409, 503);
        pledges.MapPut("/{pledgeId}", PutPledge).WithName("PutPledge")
            .WithSummary("Create (201) or replace (200) a donor's monthly pledge")
            .Accepts<PledgeBody>("application/json").ProducesProblems(413, 422)
            .Produces<PledgeView>(StatusCodes.Status201Created).Produces<PledgeView>();
        pledges.MapPost("/{pledgeId}/cancel", CancelPledge).WithName("CancelPledge")
            .WithSummary("Cancel a pledge (idempotent); no body")
            .Produces<PledgeView>();
        pledges.MapBadIdFallback("", "pledgeId", ["PUT", "POST"]);
    }

    private static async Task<IResult> PutPledge(string pledgeId, HttpContext context, Caller caller, CatalogReplica catalog, GrainReferences grains)
    {
        var (body, malformed) = await JsonBody.ReadObjectAsync(context.Request, JsonBody.DefaultLimitBytes);
        if (malformed is not null)
        {
            return malformed;
        }
        var fields = new FieldReader(body);
        var projectId = fields.Id("projectId", required: true);
        var donorId = fields.Id("donorId", required: true);
        var amount = fields.Long("amount", required: true, Money.MinDonationFen, Money.MaxDonationFen);
        var dayOfMonth = fields.Int("dayOfMonth", required: true, 1, MaxDayOfMonth);
        if (fields.HasErrors)
        {
            return ApiProblem.Invalid(fields.Errors);
        }
        var campaignId = await catalog.CampaignOfProjectAsync(projectId!);
        if (campaignId is null)
        {
            return ApiProblem.NotFound("projectId", $"project {projectId} does not exist");
        }
        Activity.Current?.SetTag("partner", caller.PartnerId);
        var outcome = await grains.Campaign(campaignId).PutPledge(new PledgeSettings(caller.PartnerId!, pledgeId, projectId!, donorId!, amount!.Value, dayOfMonth!.Value));
        return ToResult(outcome);
    }

    private static async Task<IResult> CancelPledge(string pledgeId, HttpContext context, Caller caller, IGrainFactory grains)
    {
        // The cancel takes no body fields: anything sent is a field this contract does not name.
        if (await JsonBody.ReadNoFieldsAsync(context.Request) is { } problem)
        {
            return problem;
        }
        return ToResult(await grains.GetGrain<IDonationLookupGrain>(0).CancelPledge(caller.PartnerId!, pledgeId));
    }

    private static IResult ToResult(PledgeOutcome outcome) => outcome.Result switch
    {
        PledgeResult.Created => TypedResults.Json(View(outcome.Pledge!), statusCode: StatusCodes.Status201Created),
        PledgeResult.Replaced or PledgeResult.Unchanged or PledgeResult.Cancelled => TypedResults.Ok(View(outcome.Pledge!)),
        PledgeResult.NotFound => ApiProblem.NotFound("pledgeId", outcome.Detail ?? "no such pledge"),
        PledgeResult.ProjectNotFound => ApiProblem.NotFound("projectId", outcome.Detail ?? "no such project"),
        PledgeResult.ProjectClosed => ApiProblem.NotAllowed("project-closed", "The project is closed.", "projectId", outcome.Detail ?? "closed"),
        _ => ApiProblem.Conflict("pledgeId", outcome.Detail ?? "conflict"),
    };

    private static PledgeView View(PledgeSettings p) => new()
    {
        PledgeId = p.PledgeId,
        PartnerId = p.PartnerId,
        CampaignId = p.CampaignId,
        ProjectId = p.ProjectId,
        DonorId = p.DonorId,
        Amount = p.AmountFen,
        DayOfMonth = p.DayOfMonth,
        Status = p.Status,
        CreatedAt = p.CreatedAt,
        CancelledAt = p.CancelledAt,
    };
}
