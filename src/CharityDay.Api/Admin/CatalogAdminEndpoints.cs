using CharityDay.Api.Auth;
using CharityDay.Api.Http;
using CharityDay.Api.ReadSide;
using CharityDay.Contracts;
using CharityDay.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CharityDay.Api.Admin;

/// <summary>Campaign managers create and replace campaigns and projects.</summary>
public static class CatalogAdminEndpoints
{
    public const string DefaultTimeZone = "Asia/Shanghai";

    public static void MapCatalogAdmin(this IEndpointRouteBuilder app)
    {
        app.MapPut("/v1/admin/campaigns/{campaignId}", PutCampaign);
        app.MapGet("/v1/admin/campaigns/{campaignId}", GetCampaign);
        app.MapPut("/v1/admin/projects/{projectId}", PutProject);
        app.MapGet("/v1/admin/projects/{projectId}", GetProject);
        app.MapBadIdFallback("/v1/admin/campaigns", "campaignId", ["PUT", "GET"], AdminGuard.ManagerOrViewer);
        app.MapBadIdFallback("/v1/admin/projects", "projectId", ["PUT", "GET"], AdminGuard.ManagerOrViewer);
    }

    private static async Task<IResult> PutCampaign(HttpContext context, string campaignId, IGrainFactory grains, AuditLog audit)
    {
        var (caller, denied) = await Guard.RequireAsync(context, Roles.Manager);
        if (denied is not null)
        {
            return denied;
        }
        if (!Identifiers.IsValid(campaignId))
        {
            return ApiProblem.InvalidId("campaignId");
        }
        if (!caller!.CanManage(campaignId))
        {
            return Guard.OutOfScope(campaignId);
        }
        var (body, malformed) = await JsonBody.ReadObjectAsync(context.Request, JsonBody.DefaultLimitBytes);
        if (malformed is not null)
        {
            return malformed;
        }
        var f = new FieldReader(body);
        var name = f.Text("name", required: true, maxLength: 200);
        var timeZone = f.Text("timeZone", required: false, maxLength: 64) ?? DefaultTimeZone;
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone) || !zone.HasIanaId)
        {
            f.Error("timeZone", $"{timeZone} is not an IANA time zone (e.g. Asia/Shanghai)");
        }
        var startsAt = f.Instant("startsAt");
        var endsAt = f.Instant("endsAt");
        if (startsAt is { } s && endsAt is { } e && s >= e)
        {
            f.Error("endsAt", "must be after startsAt");
        }
        if (f.HasErrors)
        {
            return ApiProblem.Invalid(f.Errors);
        }
        var change = await grains.GetGrain<ICampaignGrain>(campaignId).Put(new CampaignSettings(campaignId, name!, timeZone, startsAt, endsAt));
        await audit.RecordAsync(caller, change.Before is null ? "campaign.create" : "campaign.replace", "campaign", campaignId, campaignId,
            change.Before is null ? null : AdminJson.Campaign(change.Before), AdminJson.Campaign(change.After));
        return Created(change.Before is null, AdminJson.Campaign(change.After));
    }

    private static async Task<IResult> GetCampaign(HttpContext context, string campaignId, IGrainFactory grains, CatalogReplica catalog)
    {
        var (caller, denied) = await Guard.RequireAsync(context, Roles.Manager, Roles.Viewer);
        if (denied is not null)
        {
            return denied;
        }
        if (!Identifiers.IsValid(campaignId))
        {
            return ApiProblem.InvalidId("campaignId");
        }
        if (!caller!.CanRead(campaignId))
        {
            return Guard.OutOfScope(campaignId);
        }
        // The catalog first: an unknown id must not activate a campaign (nor start its telemetry series).
        var settings = await catalog.CampaignExistsAsync(campaignId) ? await grains.GetGrain<ICampaignGrain>(campaignId).GetSettings() : null;
        return settings is null ? ApiProblem.NotFound("campaignId", $"campaign {campaignId} does not exist") : TypedResults.Ok(AdminJson.Campaign(settings));
    }

    private static async Task<IResult> PutProject(HttpContext context, string projectId, IGrainFactory grains, AuditLog audit, CatalogReplica catalog)
    {
        var (caller, denied) = await Guard.RequireAsync(context, Roles.Manager);
        if (denied is not null)
        {
            return denied;
        }
        if (!Identifiers.IsValid(projectId))
        {
            return ApiProblem.InvalidId("projectId");
        }
        var (body, malformed) = await JsonBody.ReadObjectAsync(context.Request, JsonBody.DefaultLimitBytes);
        if (malformed is not null)
        {
            return malformed;
        }
        var f = new FieldReader(body);
        var campaignId = f.Id("campaignId", required: true);
        var name = f.Text("name", required: true, maxLength: 200);
        var organization = f.Text("organization", required: false, maxLength: 200);
        var parentProjectId = f.Id("parentProjectId", required: false);
        var goal = f.Long("goal", required: false, 0, Money.MaxBudgetFen);
        var status = f.Text("status", required: false, maxLength: 16) ?? ProjectStatus.Open;
        if (status is not (ProjectStatus.Open or ProjectStatus.Closed))
        {
            f.Error("status", "must be open or closed");
        }
        if (parentProjectId == projectId)
        {
            f.Error("parentProjectId", "a project cannot be its own parent");
        }
        if (f.HasErrors)
        {
            return ApiProblem.Invalid(f.Errors);
        }
        if (!caller!.CanManage(campaignId!))
        {
            return Guard.OutOfScope(campaignId!);
        }
        if (!await catalog.CampaignExistsAsync(campaignId!) || await grains.GetGrain<ICampaignGrain>(campaignId!).GetSettings() is null)
        {
            return ApiProblem.NotFound("campaignId", $"campaign {campaignId} does not exist");
        }
        var project = grains.GetGrain<IProjectGrain>(projectId);
        var existing = await project.Get();
        if (existing is not null && existing.CampaignId != campaignId)
        {
            if (!caller.CanManage(existing.CampaignId))
            {
                // A key scoped elsewhere learns nothing about the other campaign's project.
                return Guard.OutOfScope(existing.CampaignId);
            }
            return ApiProblem.Conflict("campaignId", $"project {projectId} belongs to campaign {existing.CampaignId}; a project cannot change campaign");
        }
        if (parentProjectId is not null && await CheckParentAsync(grains, projectId, campaignId!, parentProjectId) is { } parentProblem)
        {
            return parentProblem;
        }
        var change = await project.Put(new ProjectSettings(projectId, campaignId!, name!, organization, parentProjectId, goal, status));
        await audit.RecordAsync(caller, change.Before is null ? "project.create" : "project.replace", "project", projectId, campaignId,
            change.Before is null ? null : AdminJson.Project(change.Before), AdminJson.Project(change.After));
        return Created(change.Before is null, AdminJson.Project(change.After));
    }

    /// <summary>The parent must exist in the same campaign, and the parent chain must not loop back.</summary>
    private static async Task<IResult?> CheckParentAsync(IGrainFactory grains, string projectId, string campaignId, string parentProjectId)
    {
        var parent = await grains.GetGrain<IProjectGrain>(parentProjectId).Get();
        if (parent is null)
        {
            return ApiProblem.NotFound("parentProjectId", $"project {parentProjectId} does not exist");
        }
        if (parent.CampaignId != campaignId)
        {
            return ApiProblem.Invalid("parentProjectId", $"project {parentProjectId} belongs to another campaign");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal) { projectId };
        for (var ancestor = parent; ancestor is not null; )
        {
            if (!seen.Add(ancestor.ProjectId))
            {
                return ApiProblem.Invalid("parentProjectId", "the parent chain would form a cycle");
            }
            ancestor = ancestor.ParentProjectId is { } next ? await grains.GetGrain<IProjectGrain>(next).Get() : null;
        }
        return null;
    }

    private static async Task<IResult> GetProject(HttpContext context, string projectId, IGrainFactory grains)
    {
        var (caller, denied) = await Guard.RequireAsync(context, Roles.Manager, Roles.Viewer);
        if (denied is not null)
        {
            return denied;
        }
        if (!Identifiers.IsValid(projectId))
        {
            return ApiProblem.InvalidId("projectId");
        }
        var project = await grains.GetGrain<IProjectGrain>(projectId).Get();
        if (project is null)
        {
            return ApiProblem.NotFound("projectId", $"project {projectId} does not exist");
        }
        return caller!.CanRead(project.CampaignId) ? TypedResults.Ok(AdminJson.Project(project)) : Guard.OutOfScope(project.CampaignId);
    }

    public static IResult Created(bool created, object body) =>
        created ? TypedResults.Json(body, statusCode: StatusCodes.Status201Created) : TypedResults.Ok(body);
}
