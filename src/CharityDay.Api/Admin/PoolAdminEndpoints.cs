using CharityDay.Api.Auth;
using CharityDay.Api.Http;
using CharityDay.Api.ReadSide;
using CharityDay.Contracts;
using CharityDay.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CharityDay.Api.Admin;

/// <summary>Matching pools: create or replace, change live, read with usage, claw back a donor.</summary>
public static class PoolAdminEndpoints
{
    /// <summary>A patch that keeps losing the race to other patches gives up rather than spin.</summary>
    public const int MaxPatchAttempts = 32;

    public static void MapPoolAdmin(this IEndpointRouteBuilder app)
    {
        app.MapPut("/v1/admin/pools/{poolId}", Put);
        app.MapPatch("/v1/admin/pools/{poolId}", Patch);
        app.MapGet("/v1/admin/pools/{poolId}", Get);
        app.MapPost("/v1/admin/pools/{poolId}/clawback", Clawback);
        app.MapBadIdFallback("/v1/admin/pools", "poolId", ["PUT", "PATCH", "GET", "POST"], AdminGuard.ManagerOrViewer);
    }

    private static async Task<IResult> Put(HttpContext context, string poolId, IGrainFactory grains, AuditLog audit, CatalogReplica catalog)
    {
        var (caller, denied) = await Guard.RequireAsync(context, Roles.Manager);
        if (denied is not null)
        {
            return denied;
        }
        if (!Identifiers.IsValid(poolId))
        {
            return ApiProblem.InvalidId("poolId");
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
        // The catalog first: an unknown id must not activate a campaign (nor start its telemetry series).
        if (!await catalog.CampaignExistsAsync(settings.CampaignId) || await grains.GetGrain<ICampaignGrain>(settings.CampaignId).GetSettings() is null)
        {
            return ApiProblem.NotFound("campaignId", $"campaign {settings.CampaignId} does not exist");
        }
        var pool = grains.GetGrain<IPoolGrain>(poolId);
        var existing = await pool.Get();
        if (existing is not null && existing.CampaignId != settings.CampaignId)
        {
            // A key scoped elsewhere learns nothing about the other campaign's pool.
            return caller.CanManage(existing.CampaignId)
                ? ApiProblem.Conflict("campaignId", $"pool {poolId} belongs to campaign {existing.CampaignId}; a pool cannot change campaign")
                : Guard.OutOfScope(existing.CampaignId);
        }
        if (await PoolProjects.CheckAsync(grains, settings) is { } projectProblem)
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
        var (access, problem) = await ExistingPoolAsync(context, poolId, grains, write: true);
        if (access is null)
        {
            return problem!;
        }
        var (caller, pool, current) = access;
        var (body, malformed) = await JsonBody.ReadObjectAsync(context.Request, JsonBody.DefaultLimitBytes);
        if (malformed is not null)
        {
            return malformed;
        }
        if (body.TryGetProperty("campaignId", out var moveTo) && moveTo.ValueKind == System.Text.Json.JsonValueKind.String
            && Identifiers.IsValid(moveTo.GetString()) && moveTo.GetString() != current.CampaignId)
        {
            return ApiProblem.Conflict("campaignId", $"pool {poolId} belongs to campaign {current.CampaignId}; a pool cannot change campaign");
        }
        for (var attempt = 0; attempt < MaxPatchAttempts; attempt++)
        {
            var f = new FieldReader(body);
            var budgetDelta = f.Long("budgetDelta", required: false, -Money.MaxBudgetFen, Money.MaxBudgetFen) ?? 0;
            var merged = PoolInput.Read(f, poolId, current);
            if (merged is null)
            {
                return ApiProblem.Invalid(f.Errors);
            }
            if (await PoolProjects.CheckAsync(grains, merged) is { } projectProblem)
            {
                return projectProblem;
            }
            var outcome = await pool.Patch(current, merged, budgetDelta);
            if (outcome.Stale)
            {
                current = await pool.Get() ?? current;
                continue;
            }
            if (outcome.Change is not { } change)
            {
                return ApiProblem.Invalid(f.Has("budgetDelta") ? "budgetDelta" : "budget", outcome.Error ?? "the change was refused");
            }
            await audit.RecordAsync(caller, "pool.patch", "pool", poolId, current.CampaignId, AdminJson.Pool(change.Before!), AdminJson.Pool(change.After));
            var usage = await grains.GetGrain<ICampaignGrain>(current.CampaignId).GetPoolUsage(poolId);
            return TypedResults.Ok(AdminJson.PoolWithUsage(change.After, usage));
        }
        return ApiProblem.Unavailable($"pool {poolId} is being changed by others; retry the patch");
    }

    private static async Task<IResult> Get(HttpContext context, string poolId, IGrainFactory grains)
    {
        var (access, problem) = await ExistingPoolAsync(context, poolId, grains, write: false);
        if (access is null)
        {
            return problem!;
        }
        var pool = access.Pool;
        var usage = await grains.GetGrain<ICampaignGrain>(pool.CampaignId).GetPoolUsage(poolId);
        return TypedResults.Ok(AdminJson.PoolWithUsage(pool, usage));
    }

    private static async Task<IResult> Clawback(HttpContext context, string poolId, IGrainFactory grains, AuditLog audit)
    {
        var (access, problem) = await ExistingPoolAsync(context, poolId, grains, write: true);
        if (access is null)
        {
            return problem!;
        }
        var (caller, _, pool) = access;
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
        var campaign = grains.GetGrain<ICampaignGrain>(pool.CampaignId);
        var usageBefore = await campaign.GetPoolUsage(poolId);
        var outcome = await campaign.Clawback(poolId, donorId!, reason!, caller.KeyId);
        var usageAfter = await campaign.GetPoolUsage(poolId);
        var result = new { poolId, donorId, reason, matchesReversed = outcome.MatchesReversed, amountReturned = outcome.AmountReturnedFen };
        // Before and after are the pool's usage around the clawback, so the log shows the money that came back.
        await audit.RecordAsync(caller, "pool.clawback", "pool", poolId, pool.CampaignId,
            new { poolId, donorId, matched = usageBefore.MatchedFen, remaining = usageBefore.RemainingFen },
            new { poolId, donorId, reason, matchesReversed = outcome.MatchesReversed, amountReturned = outcome.AmountReturnedFen, matched = usageAfter.MatchedFen, remaining = usageAfter.RemainingFen });
        return TypedResults.Ok(result);
    }

    /// <summary>
    /// The prologue of every call on an existing pool, in the order that tells a caller no more than
    /// it may know: a key with the role (manager to change, manager or viewer to read), a well-formed
    /// id, the pool, and the key's scope over the pool's campaign.
    /// </summary>
    private static async Task<(PoolAccess? Access, IResult? Problem)> ExistingPoolAsync(HttpContext context, string poolId, IGrainFactory grains, bool write)
    {
        var (caller, denied) = write
            ? await Guard.RequireAsync(context, Roles.Manager)
            : await Guard.RequireAsync(context, Roles.Manager, Roles.Viewer);
        if (denied is not null)
        {
            return (null, denied);
        }
        if (!Identifiers.IsValid(poolId))
        {
            return (null, ApiProblem.InvalidId("poolId"));
        }
        var grain = grains.GetGrain<IPoolGrain>(poolId);
        var pool = await grain.Get();
        if (pool is null)
        {
            return (null, ApiProblem.NotFound("poolId", $"pool {poolId} does not exist"));
        }
        var allowed = write ? caller!.CanManage(pool.CampaignId) : caller!.CanRead(pool.CampaignId);
        return allowed ? (new PoolAccess(caller, grain, pool), null) : (null, Guard.OutOfScope(pool.CampaignId));
    }

    private sealed record PoolAccess(Caller Caller, IPoolGrain Grain, PoolSettings Pool);
}
