using CharityDay.Api.Auth;
using CharityDay.Api.Http;
using CharityDay.Contracts;
using CharityDay.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CharityDay.Api.Admin;

/// <summary>Matching pools: create or replace, change live, read with usage, claw back a donor.</summary>
public static class PoolAdminEndpoints
{
    public static void MapPoolAdmin(this IEndpointRouteBuilder app)
    {
        app.MapPut("/v1/admin/pools/{poolId}", Put);
        app.MapPatch("/v1/admin/pools/{poolId}", Patch);
        app.MapGet("/v1/admin/pools/{poolId}", Get);
        app.MapPost("/v1/admin/pools/{poolId}/clawback", Clawback);
    }

    private static async Task<IResult> Put(HttpContext context, string poolId, IGrainFactory grains, AuditLog audit)
    {
        var (caller, denied) = await Guard.RequireAsync(context, Roles.Manager);
        if (denied is not null)
        {
            return denied;
        }
        if (!Identifiers.IsValid(poolId))
        {
            return ApiProblem.Invalid("poolId", "must be 1–128 characters of A-Z a-z 0-9 . _ : -");
        }
        var (body, malformed) = await JsonBody.ReadObjectAsync(context.Request, JsonBody.DefaultLimitBytes);
        if (malformed is not null)
        {
            return malformed;
        }
        var f = new FieldReader(body);
        var settings = PoolInput.Read(f, poolId, current: null);
        if (settings is null)
        {
            return ApiProblem.Invalid(f.Errors);
        }
        if (!caller!.CanManage(settings.CampaignId))
        {
            return Guard.OutOfScope(settings.CampaignId);
        }
        if (await grains.GetGrain<ICampaignGrain>(settings.CampaignId).GetSettings() is null)
        {
            return ApiProblem.NotFound("campaignId", $"campaign {settings.CampaignId} does not exist");
        }
        var pool = grains.GetGrain<IPoolGrain>(poolId);
        var existing = await pool.Get();
        if (existing is not null && existing.CampaignId != settings.CampaignId)
        {
            return ApiProblem.Conflict("campaignId", $"pool {poolId} belongs to campaign {existing.CampaignId}; a pool cannot change campaign");
        }
        if (await CheckProjectsAsync(grains, settings) is { } projectProblem)
        {
            return projectProblem;
        }
        var change = await pool.Put(settings);
        await audit.RecordAsync(caller, change.Before is null ? "pool.create" : "pool.replace", "pool", poolId, settings.CampaignId,
            change.Before is null ? null : AdminJson.Pool(change.Before), AdminJson.Pool(change.After));
        var usage = await grains.GetGrain<ICampaignGrain>(settings.CampaignId).GetPoolUsage(poolId);
        return CatalogAdminEndpoints.Created(change.Before is null, AdminJson.PoolWithUsage(change.After, usage));
    }

    private static async Task<IResult> Patch(HttpContext context, string poolId, IGrainFactory grains, AuditLog audit)
    {
        var (caller, denied) = await Guard.RequireAsync(context, Roles.Manager);
        if (denied is not null)
        {
            return denied;
        }
        var pool = grains.GetGrain<IPoolGrain>(poolId);
        var current = Identifiers.IsValid(poolId) ? await pool.Get() : null;
        if (current is null)
        {
            return ApiProblem.NotFound("poolId", $"pool {poolId} does not exist");
        }
        if (!caller!.CanManage(current.CampaignId))
        {
            return Guard.OutOfScope(current.CampaignId);
        }
        var (body, malformed) = await JsonBody.ReadObjectAsync(context.Request, JsonBody.DefaultLimitBytes);
        if (malformed is not null)
        {
            return malformed;
        }
        var f = new FieldReader(body);
        var budgetDelta = f.Long("budgetDelta", required: false, -Money.MaxBudgetFen, Money.MaxBudgetFen) ?? 0;
        var merged = PoolInput.Read(f, poolId, current);
        if (merged is null)
        {
            return ApiProblem.Invalid(f.Errors);
        }
        if (await CheckProjectsAsync(grains, merged) is { } projectProblem)
        {
            return projectProblem;
        }
        var outcome = await pool.Patch(merged, budgetDelta);
        if (outcome.Change is not { } change)
        {
            return ApiProblem.Invalid("budgetDelta", outcome.Error ?? "the change was refused");
        }
        await audit.RecordAsync(caller, "pool.patch", "pool", poolId, current.CampaignId, AdminJson.Pool(change.Before!), AdminJson.Pool(change.After));
        var usage = await grains.GetGrain<ICampaignGrain>(current.CampaignId).GetPoolUsage(poolId);
        return TypedResults.Ok(AdminJson.PoolWithUsage(change.After, usage));
    }

    private static async Task<IResult> Get(HttpContext context, string poolId, IGrainFactory grains)
    {
        var (caller, denied) = await Guard.RequireAsync(context, Roles.Manager, Roles.Viewer);
        if (denied is not null)
        {
            return denied;
        }
        var pool = Identifiers.IsValid(poolId) ? await grains.GetGrain<IPoolGrain>(poolId).Get() : null;
        if (pool is null)
        {
            return ApiProblem.NotFound("poolId", $"pool {poolId} does not exist");
        }
        if (!caller!.CanRead(pool.CampaignId))
        {
            return Guard.OutOfScope(pool.CampaignId);
        }
        var usage = await grains.GetGrain<ICampaignGrain>(pool.CampaignId).GetPoolUsage(poolId);
        return TypedResults.Ok(AdminJson.PoolWithUsage(pool, usage));
    }

    private static async Task<IResult> Clawback(HttpContext context, string poolId, IGrainFactory grains, AuditLog audit)
    {
        var (caller, denied) = await Guard.RequireAsync(context, Roles.Manager);
        if (denied is not null)
        {
            return denied;
        }
        var pool = Identifiers.IsValid(poolId) ? await grains.GetGrain<IPoolGrain>(poolId).Get() : null;
        if (pool is null)
        {
            return ApiProblem.NotFound("poolId", $"pool {poolId} does not exist");
        }
        if (!caller!.CanManage(pool.CampaignId))
        {
            return Guard.OutOfScope(pool.CampaignId);
        }
        var (body, malformed) = await JsonBody.ReadObjectAsync(context.Request, JsonBody.DefaultLimitBytes);
        if (malformed is not null)
        {
            return malformed;
        }
        var f = new FieldReader(body);
        var donorId = f.Id("donorId", required: true);
        var reason = f.Text("reason", required: true, maxLength: 1000);
        if (f.HasErrors)
        {
            return ApiProblem.Invalid(f.Errors);
        }
        var outcome = await grains.GetGrain<ICampaignGrain>(pool.CampaignId).Clawback(poolId, donorId!, reason!, caller.KeyId);
        var result = new { poolId, donorId, reason, matchesReversed = outcome.MatchesReversed, amountReturned = outcome.AmountReturnedFen };
        await audit.RecordAsync(caller, "pool.clawback", "pool", poolId, pool.CampaignId, null, result);
        return TypedResults.Ok(result);
    }

    /// <summary>A pool's scope names projects of its own campaign only.</summary>
    private static async Task<IResult?> CheckProjectsAsync(IGrainFactory grains, PoolSettings settings)
    {
        if (settings.ProjectIds is null)
        {
            return null;
        }
        var projects = await Task.WhenAll(settings.ProjectIds.Select(id => grains.GetGrain<IProjectGrain>(id).Get()));
        for (var i = 0; i < projects.Length; i++)
        {
            if (projects[i] is null)
            {
                return ApiProblem.NotFound($"projectIds[{i}]", $"project {settings.ProjectIds[i]} does not exist");
            }
            if (projects[i]!.CampaignId != settings.CampaignId)
            {
                return ApiProblem.Invalid($"projectIds[{i}]", $"project {settings.ProjectIds[i]} belongs to another campaign");
            }
        }
        return null;
    }
}
