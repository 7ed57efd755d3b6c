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

/// <summary>
/// Matching pools: create or replace, change live, read with usage, claw back a donor. Every write
/// goes to the pool's campaign, which decides and commits it with its audit entry (SPEC §4).
/// </summary>
public static class PoolAdminEndpoints
{
    /// <summary>A patch that keeps losing the race to other patches gives up rather than spin.</summary>
    public const int MaxPatchAttempts = 32;

    public static void MapPoolAdmin(this IEndpointRouteBuilder app)
    {
        var pools = app.MapGroup("/v1/admin/pools").WithTags("Pool admin").WithIdentifiers("poolId")
            .ProducesProblems(400, 401, 403, 404, 503);
        pools.MapPut("/{poolId}", Put).WithName("PutPool").RequireAuthorization(KeyPolicies.Manager)
            .WithSummary("Create (201) or replace (200) a matching pool")
            .Accepts<PoolBody>("application/json").ProducesAdminWriteProblems().Produces<PoolView>().Produces<PoolView>(StatusCodes.Status201Created);
        pools.MapPatch("/{poolId}", Patch).WithName("PatchPool").RequireAuthorization(KeyPolicies.Manager)
            .WithSummary("Change a pool live: pause, resume, top up or cut (budgetDelta), ratio, caps")
            .Accepts<PoolPatchBody>("application/json").ProducesAdminWriteProblems().Produces<PoolView>();
        pools.MapGet("/{poolId}", Get).WithName("GetPool").RequireAuthorization(KeyPolicies.ManagerOrViewer)
            .WithSummary("A pool's settings (with their ETag) and usage")
            .Produces<PoolView>();
        pools.MapPost("/{poolId}/clawback", Clawback).WithName("ClawbackDonor").RequireAuthorization(KeyPolicies.Manager)
            .WithSummary("Flag a donor: reverse the pool's matches to them and match them no more")
            .Accepts<ClawbackBody>("application/json").ProducesAdminWriteProblems().Produces<ClawbackResult>();
        pools.MapGet("/{poolId}/seed", Seed).WithName("GetPoolSeed").RequireAuthorization(KeyPolicies.Manager)
            .WithSummary("A random-ratio pool's seed, once the pool has ended (409 before); audited")
            .Produces<PoolSeed>().ProducesProblems(409);
        pools.MapBadIdFallback("", "poolId", ["PUT", "PATCH", "GET", "POST"], KeyPolicies.ManagerOrViewer);
    }

    private static async Task<IResult> Put(HttpContext context, Caller caller, string poolId, IGrainFactory grains, CatalogReplica catalog,
        IAuthorizationService authorization)
    {
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
        if (await authorization.RefuseAsync(caller, settings.CampaignId, write: true) is { } outOfScope)
        {
            return outOfScope;
        }
        // The catalog first: an unknown campaign id must not activate a campaign (nor start its telemetry series).
        if (!await catalog.CampaignExistsAsync(settings.CampaignId))
        {
            return ApiProblem.NotFound("campaignId", $"campaign {settings.CampaignId} does not exist");
        }
        var (request, badHeader) = AdminHttp.Request(context, caller, body);
        if (badHeader is not null)
        {
            return badHeader;
        }
        if (await grains.GetGrain<IAdminReadGrain>(0).GetSetting(AdminKinds.Pool, poolId) is { } existing && existing.CampaignId != settings.CampaignId)
        {
            // A key scoped elsewhere learns nothing about the other campaign's pool.
            return await authorization.RefuseAsync(caller, existing.CampaignId!, write: true)
                ?? ApiProblem.Conflict("campaignId", $"pool {poolId} belongs to campaign {existing.CampaignId}; a pool cannot change campaign");
        }
        return AdminHttp.Answer(await grains.GetGrain<ICampaignGrain>(settings.CampaignId).PutPool(request!, settings));
    }

    private static async Task<IResult> Patch(HttpContext context, Caller caller, string poolId, IGrainFactory grains, IAuthorizationService authorization)
    {
        var (access, problem) = await ExistingPoolAsync(caller, poolId, grains, authorization, write: true);
        if (access is null)
        {
            return problem!;
        }
        var (_, campaign, current) = access;
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
        var (request, badHeader) = AdminHttp.Request(context, caller, body);
        if (badHeader is not null)
        {
            return badHeader;
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
            var answer = await campaign.PatchPool(request!, current, merged, budgetDelta);
            if (answer.Refusal?.Kind != AdminRefusals.StaleMerge)
            {
                return AdminHttp.Answer(answer);
            }
            current = await campaign.GetPool(poolId) ?? current;
        }
        return ApiProblem.Unavailable($"pool {poolId} is being changed by others; retry the patch");
    }

    private static async Task<IResult> Get(Caller caller, string poolId, IGrainFactory grains, IAuthorizationService authorization)
    {
        var (access, problem) = await ExistingPoolAsync(caller, poolId, grains, authorization, write: false);
        if (access is null)
        {
            return problem!;
        }
        var pool = access.Pool;
        var usage = await access.Campaign.GetPoolUsage(poolId);
        return AdminHttp.WithETag(AdminJson.PoolWithUsage(pool, usage), access.ETag);
    }

    private static async Task<IResult> Clawback(HttpContext context, Caller caller, string poolId, IGrainFactory grains, IAuthorizationService authorization)
    {
        var (access, problem) = await ExistingPoolAsync(caller, poolId, grains, authorization, write: true);
        if (access is null)
        {
            return problem!;
        }
        var (body, malformed) = await JsonBody.ReadObjectAsync(context.Request, JsonBody.DefaultLimitBytes);
        if (malformed is not null)
        {
            return malformed;
        }
        var f = new FieldReader(body);
        var donor = ClawbackDonor(f);
        var partnerId = f.Id("partnerId", required: false);
        var reason = f.Text("reason", required: true);
        if (f.HasErrors)
        {
            return ApiProblem.Invalid(f.Errors);
        }
        var (request, badHeader) = AdminHttp.Request(context, access.Caller, body);
        if (badHeader is not null)
        {
            return badHeader;
        }
        return AdminHttp.Answer(await access.Campaign.Clawback(request!, poolId, donor!, partnerId, reason!));
    }

    /// <summary>SPEC §7: a clawback names a person by <c>donorId</c> or a merchant by <c>merchantId</c>, one of the two.</summary>
    private static string? ClawbackDonor(FieldReader f)
    {
        if (!f.TryGet("merchantId", out _))
        {
            return f.Id("donorId", required: true);
        }
        var merchantId = f.Id("merchantId", required: true);
        if (f.TryGet("donorId", out _))
        {
            f.Error("donorId", "name the donor by donorId or the merchant by merchantId, not both");
        }
        return merchantId is null ? null : Domain.Giving.MerchantDonor.DonorOf(merchantId);
    }

    /// <summary>The random-ratio seed, once the pool has ended (SPEC §3); the read is audited.</summary>
    private static async Task<IResult> Seed(HttpContext context, Caller caller, string poolId, IGrainFactory grains, IAuthorizationService authorization)
    {
        var (access, problem) = await ExistingPoolAsync(caller, poolId, grains, authorization, write: true);
        if (access is null)
        {
            return problem!;
        }
        var (request, badHeader) = AdminHttp.Request(context, access.Caller, null);
        return badHeader ?? AdminHttp.Answer(await access.Campaign.RevealSeed(request!, poolId));
    }

    /// <summary>
    /// The prologue of every call on an existing pool, after the key policy (manager to change, manager
    /// or viewer to read) and the identifier filter, in the order that tells a caller no more than it
    /// may know: the pool, then the key's scope over the pool's campaign.
    /// </summary>
    private static async Task<(PoolAccess? Access, IResult? Problem)> ExistingPoolAsync(Caller caller, string poolId, IGrainFactory grains,
        IAuthorizationService authorization, bool write)
    {
        if (await grains.GetGrain<IAdminReadGrain>(0).GetSetting(AdminKinds.Pool, poolId) is not { } row)
        {
            return (null, ApiProblem.NotFound("poolId", $"pool {poolId} does not exist"));
        }
        var pool = AdminSettingsJson.Load<PoolSettings>(row.SettingsJson);
        return await authorization.RefuseAsync(caller, pool.CampaignId, write) is { } outOfScope
            ? (null, outOfScope)
            : (new PoolAccess(caller, grains.GetGrain<ICampaignGrain>(pool.CampaignId), pool, row.ETag), null);
    }

    private sealed record PoolAccess(Caller Caller, ICampaignGrain Campaign, PoolSettings Pool, string ETag)
    {
        public void Deconstruct(out Caller caller, out ICampaignGrain campaign, out PoolSettings pool) =>
            (caller, campaign, pool) = (Caller, Campaign, Pool);
    }
}
