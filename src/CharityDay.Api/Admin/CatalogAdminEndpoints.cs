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
        app.MapGet("/v1/admin/campaigns", ListCampaigns);
        app.MapGet("/v1/admin/campaigns/{campaignId}/projects", (HttpContext c, string campaignId, IGrainFactory g) => ListOfCampaign(c, campaignId, g, AdminKinds.Project));
        app.MapGet("/v1/admin/campaigns/{campaignId}/pools", (HttpContext c, string campaignId, IGrainFactory g) => ListOfCampaign(c, campaignId, g, AdminKinds.Pool));
        app.MapBadIdFallback("/v1/admin/campaigns", "campaignId", ["PUT", "GET"], AdminGuard.ManagerOrViewer);
        app.MapBadIdFallback("/v1/admin/projects", "projectId", ["PUT", "GET"], AdminGuard.ManagerOrViewer);
    }

    private static async Task<IResult> PutCampaign(HttpContext context, string campaignId, IGrainFactory grains)
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
        var (request, badHeader) = AdminHttp.Request(context, caller, body);
        if (badHeader is not null)
        {
            return badHeader;
        }
        return AdminHttp.Answer(await grains.GetGrain<ICampaignGrain>(campaignId).PutCampaign(request!, new CampaignSettings(campaignId, name!, timeZone, startsAt, endsAt)));
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
        return await grains.GetGrain<IAdminReadGrain>(0).GetSetting(AdminKinds.Campaign, campaignId) is { } row
            ? AdminHttp.WithETag(AdminJson.Campaign(AdminSettingsJson.Load<CampaignSettings>(row.SettingsJson)), row.ETag)
            : ApiProblem.NotFound("campaignId", $"campaign {campaignId} does not exist");
    }

    private static async Task<IResult> PutProject(HttpContext context, string projectId, IGrainFactory grains, CatalogReplica catalog)
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
        // The catalog first: an unknown campaign id must not activate a campaign (nor start its telemetry series).
        if (!await catalog.CampaignExistsAsync(campaignId!))
        {
            return ApiProblem.NotFound("campaignId", $"campaign {campaignId} does not exist");
        }
        var (request, badHeader) = AdminHttp.Request(context, caller, body);
        if (badHeader is not null)
        {
            return badHeader;
        }
        if (await grains.GetGrain<IAdminReadGrain>(0).GetSetting(AdminKinds.Project, projectId) is { } existing && existing.CampaignId != campaignId)
        {
            // A key scoped elsewhere learns nothing about the other campaign's project.
            return caller.CanManage(existing.CampaignId!)
                ? ApiProblem.Conflict("campaignId", $"project {projectId} belongs to campaign {existing.CampaignId}; a project cannot change campaign")
                : Guard.OutOfScope(existing.CampaignId!);
        }
        return AdminHttp.Answer(await grains.GetGrain<ICampaignGrain>(campaignId!)
            .PutProject(request!, new ProjectSettings(projectId, campaignId!, name!, organization, parentProjectId, goal, status)));
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
        if (await grains.GetGrain<IAdminReadGrain>(0).GetSetting(AdminKinds.Project, projectId) is not { } row)
        {
            return ApiProblem.NotFound("projectId", $"project {projectId} does not exist");
        }
        var project = AdminSettingsJson.Load<ProjectSettings>(row.SettingsJson);
        return caller!.CanRead(project.CampaignId) ? AdminHttp.WithETag(AdminJson.Project(project), row.ETag) : Guard.OutOfScope(project.CampaignId);
    }

    /// <summary>Every campaign the key may read, in id order, a page at a time.</summary>
    private static async Task<IResult> ListCampaigns(HttpContext context, IGrainFactory grains)
    {
        var (caller, denied) = await Guard.RequireAsync(context, Roles.Manager, Roles.Viewer);
        if (denied is not null)
        {
            return denied;
        }
        var (page, bad) = AdminPages.Read(context);
        if (bad is not null)
        {
            return bad;
        }
        return await AdminPages.ListAsync(grains, AdminKinds.Campaign, null, page!, row => caller!.CanRead(row.Id),
            row => AdminJson.Campaign(AdminSettingsJson.Load<CampaignSettings>(row.SettingsJson)));
    }

    private static async Task<IResult> ListOfCampaign(HttpContext context, string campaignId, IGrainFactory grains, string kind)
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
        var (page, bad) = AdminPages.Read(context);
        if (bad is not null)
        {
            return bad;
        }
        if (await grains.GetGrain<IAdminReadGrain>(0).GetSetting(AdminKinds.Campaign, campaignId) is null)
        {
            return ApiProblem.NotFound("campaignId", $"campaign {campaignId} does not exist");
        }
        return await AdminPages.ListAsync(grains, kind, campaignId, page!, _ => true, row => kind == AdminKinds.Pool
            ? AdminJson.Pool(AdminSettingsJson.Load<PoolSettings>(row.SettingsJson))
            : AdminJson.Project(AdminSettingsJson.Load<ProjectSettings>(row.SettingsJson)));
    }
}
