using CharityDay.Api.Auth;
using CharityDay.Api.Http;
using CharityDay.Api.OpenApi;
using CharityDay.Api.ReadSide;
using CharityDay.Api.Schemas;
using Microsoft.AspNetCore.Authorization;
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
        // One key policy per endpoint: a policy's failing requirement is the 403's detail.
        var admin = app.MapGroup("/v1/admin").WithTags("Catalog admin").WithIdentifiers("campaignId", "projectId")
            .ProducesProblems(400, 401, 403, 404, 503);
        admin.MapPut("/campaigns/{campaignId}", PutCampaign).WithName("PutCampaign").RequireAuthorization(KeyPolicies.CampaignManager)
            .WithSummary("Create (201) or replace (200) a campaign")
            .Accepts<CampaignBody>("application/json").ProducesAdminWriteProblems().Produces<CampaignSettingsView>().Produces<CampaignSettingsView>(StatusCodes.Status201Created);
        admin.MapGet("/campaigns/{campaignId}", GetCampaign).WithName("GetCampaignSettings").RequireAuthorization(KeyPolicies.CampaignReader)
            .WithSummary("A campaign's settings as last written, with their ETag")
            .Produces<CampaignSettingsView>();
        admin.MapPut("/projects/{projectId}", PutProject).WithName("PutProject").RequireAuthorization(KeyPolicies.Manager)
            .WithSummary("Create (201) or replace (200) a project")
            .Accepts<ProjectBody>("application/json").ProducesAdminWriteProblems().Produces<ProjectSettingsView>().Produces<ProjectSettingsView>(StatusCodes.Status201Created);
        admin.MapGet("/projects/{projectId}", GetProject).WithName("GetProjectSettings").RequireAuthorization(KeyPolicies.ManagerOrViewer)
            .WithSummary("A project's settings as last written, with their ETag")
            .Produces<ProjectSettingsView>();
        admin.MapGet("/campaigns", ListCampaigns).WithName("ListCampaigns").RequireAuthorization(KeyPolicies.ManagerOrViewer)
            .WithSummary("The campaigns the key may read, a page at a time (?limit=, ?after=)")
            .Produces<CampaignPage>();
        admin.MapGet("/campaigns/{campaignId}/projects", (HttpContext c, string campaignId, IGrainFactory g) => ListOfCampaign(c, campaignId, g, AdminKinds.Project))
            .WithName("ListProjects").RequireAuthorization(KeyPolicies.CampaignReader)
            .WithSummary("A campaign's projects, a page at a time").Produces<ProjectPage>();
        admin.MapGet("/campaigns/{campaignId}/pools", (HttpContext c, string campaignId, IGrainFactory g) => ListOfCampaign(c, campaignId, g, AdminKinds.Pool))
            .WithName("ListPools").RequireAuthorization(KeyPolicies.CampaignReader)
            .WithSummary("A campaign's pools, a page at a time").Produces<PoolPage>();
        admin.MapBadIdFallback("/campaigns", "campaignId", ["PUT", "GET"], KeyPolicies.ManagerOrViewer);
        admin.MapBadIdFallback("/projects", "projectId", ["PUT", "GET"], KeyPolicies.ManagerOrViewer);
    }

    private static async Task<IResult> PutCampaign(HttpContext context, Caller caller, string campaignId, IGrainFactory grains)
    {
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

    private static async Task<IResult> GetCampaign(string campaignId, IGrainFactory grains)
    {
        return await grains.GetGrain<IAdminReadGrain>(0).GetSetting(AdminKinds.Campaign, campaignId) is { } row
            ? AdminHttp.WithETag(AdminJson.Campaign(AdminSettingsJson.Load<CampaignSettings>(row.SettingsJson)), row.ETag)
            : ApiProblem.NotFound("campaignId", $"campaign {campaignId} does not exist");
    }

    private static async Task<IResult> PutProject(HttpContext context, Caller caller, string projectId, IGrainFactory grains, CatalogReplica catalog,
        IAuthorizationService authorization)
    {
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
        if (await authorization.RefuseAsync(caller, campaignId!, write: true) is { } outOfScope)
        {
            return outOfScope;
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
            return await authorization.RefuseAsync(caller, existing.CampaignId!, write: true)
                ?? ApiProblem.Conflict("campaignId", $"project {projectId} belongs to campaign {existing.CampaignId}; a project cannot change campaign");
        }
        return AdminHttp.Answer(await grains.GetGrain<ICampaignGrain>(campaignId!)
            .PutProject(request!, new ProjectSettings(projectId, campaignId!, name!, organization, parentProjectId, goal, status)));
    }

    private static async Task<IResult> GetProject(Caller caller, string projectId, IGrainFactory grains, IAuthorizationService authorization)
    {
        if (await grains.GetGrain<IAdminReadGrain>(0).GetSetting(AdminKinds.Project, projectId) is not { } row)
        {
            return ApiProblem.NotFound("projectId", $"project {projectId} does not exist");
        }
        var project = AdminSettingsJson.Load<ProjectSettings>(row.SettingsJson);
        return await authorization.RefuseAsync(caller, project.CampaignId, write: false) ?? AdminHttp.WithETag(AdminJson.Project(project), row.ETag);
    }

    /// <summary>Every campaign the key may read, in id order, a page at a time.</summary>
    private static async Task<IResult> ListCampaigns(HttpContext context, Caller caller, IGrainFactory grains)
    {
        var (page, bad) = AdminPages.Read(context);
        if (bad is not null)
        {
            return bad;
        }
        return await AdminPages.ListAsync(grains, AdminKinds.Campaign, null, page!, row => caller.CanRead(row.Id),
            row => AdminJson.Campaign(AdminSettingsJson.Load<CampaignSettings>(row.SettingsJson)));
    }

    private static async Task<IResult> ListOfCampaign(HttpContext context, string campaignId, IGrainFactory grains, string kind)
    {
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
