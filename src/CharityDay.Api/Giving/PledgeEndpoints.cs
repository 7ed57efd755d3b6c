using System.Diagnostics;
using CharityDay.Api.Auth;
using CharityDay.Api.Http;
using CharityDay.Api.ReadSide;
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
        app.MapPut("/v1/pledges/{pledgeId}", PutPledge);
        app.MapPost("/v1/pledges/{pledgeId}/cancel", CancelPledge);
        app.MapBadIdFallback("/v1/pledges", "pledgeId", ["PUT", "POST"], async context => (await Guard.RequireAsync(context, Roles.Partner)).Problem);
    }

    private static async Task<IResult> PutPledge(string pledgeId, HttpContext context, CatalogReplica catalog, GrainReferences grains)
    {
        var (caller, denied) = await Guard.RequireAsync(context, Roles.Partner);
        if (denied is not null)
        {
            return denied;
        }
        if (!Identifiers.IsValid(pledgeId))
        {
            return ApiProblem.InvalidId("pledgeId");
        }
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
        Activity.Current?.SetTag("partner", caller!.PartnerId);
        var outcome = await grains.Campaign(campaignId).PutPledge(new PledgeSettings(caller!.PartnerId!, pledgeId, projectId!, donorId!, amount!.Value, dayOfMonth!.Value));
        return ToResult(outcome);
    }

    private static async Task<IResult> CancelPledge(string pledgeId, HttpContext context, IGrainFactory grains)
    {
        var (caller, denied) = await Guard.RequireAsync(context, Roles.Partner);
        if (denied is not null)
        {
            return denied;
        }
        if (!Identifiers.IsValid(pledgeId))
        {
            return ApiProblem.InvalidId("pledgeId");
        }
        // The cancel takes no body fields: anything sent is a field this contract does not name.
        if (await JsonBody.ReadNoFieldsAsync(context.Request) is { } problem)
        {
            return problem;
        }
        return ToResult(await grains.GetGrain<IDonationLookupGrain>(0).CancelPledge(caller!.PartnerId!, pledgeId));
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

    private static object View(PledgeSettings p) => new
    {
        pledgeId = p.PledgeId,
        partnerId = p.PartnerId,
        campaignId = p.CampaignId,
        projectId = p.ProjectId,
        donorId = p.DonorId,
        amount = p.AmountFen,
        dayOfMonth = p.DayOfMonth,
        status = p.Status,
        createdAt = p.CreatedAt,
        cancelledAt = p.CancelledAt,
    };
}
