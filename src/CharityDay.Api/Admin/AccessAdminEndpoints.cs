using System.Text.Json;
using CharityDay.Api.Auth;
using CharityDay.Api.Http;
using CharityDay.Contracts;
using CharityDay.Domain;
using CharityDay.Storage.Ledger;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CharityDay.Api.Admin;

/// <summary>Partners, API keys and the audit log. Partners and keys span campaigns: unscoped managers only.</summary>
public static class AccessAdminEndpoints
{
    public const int MaxAuditEntries = 10_000;

    public static void MapAccessAdmin(this IEndpointRouteBuilder app)
    {
        app.MapPut("/v1/admin/partners/{partnerId}", PutPartner);
        app.MapPost("/v1/admin/keys", CreateKey);
        app.MapDelete("/v1/admin/keys/{keyId}", RevokeKey);
        app.MapGet("/v1/admin/audit", GetAudit);
        app.MapBadIdFallback("/v1/admin/partners", "partnerId", ["PUT"], AdminGuard.ManagerOrViewer);
        app.MapBadIdFallback("/v1/admin/keys", "keyId", ["DELETE"], AdminGuard.ManagerOrViewer);
    }

    private static async Task<(Caller? Caller, IResult? Problem)> RequireGlobalManagerAsync(HttpContext context)
    {
        var (caller, denied) = await Guard.RequireAsync(context, Roles.Manager);
        if (denied is not null)
        {
            return (null, denied);
        }
        return caller!.ManagesAllCampaigns
            ? (caller, null)
            : (null, ApiProblem.Forbidden("only a manager key for all campaigns may manage partners and keys"));
    }

    private static async Task<IResult> PutPartner(HttpContext context, string partnerId, IGrainFactory grains, AuditLog audit)
    {
        var (caller, denied) = await RequireGlobalManagerAsync(context);
        if (denied is not null)
        {
            return denied;
        }
        if (!Identifiers.IsValid(partnerId))
        {
            return ApiProblem.InvalidId("partnerId");
        }
        var (body, malformed) = await JsonBody.ReadObjectAsync(context.Request, JsonBody.DefaultLimitBytes);
        if (malformed is not null)
        {
            return malformed;
        }
        var f = new FieldReader(body);
        var name = f.Text("name", required: true, maxLength: 200);
        var rateLimit = f.Int("rateLimit", required: false, 1, 10_000_000);
        if (f.HasErrors)
        {
            return ApiProblem.Invalid(f.Errors);
        }
        var change = await grains.GetGrain<IPartnerGrain>(partnerId).Put(new PartnerSettings(partnerId, name!, rateLimit));
        await audit.RecordAsync(caller!, change.Before is null ? "partner.create" : "partner.replace", "partner", partnerId, null,
            change.Before is null ? null : AdminJson.Partner(change.Before), AdminJson.Partner(change.After));
        return CatalogAdminEndpoints.Created(change.Before is null, AdminJson.Partner(change.After));
    }

    private static async Task<IResult> CreateKey(HttpContext context, IGrainFactory grains, AuditLog audit, TimeProvider time)
    {
        var (caller, denied) = await RequireGlobalManagerAsync(context);
        if (denied is not null)
        {
            return denied;
        }
        var (body, malformed) = await JsonBody.ReadObjectAsync(context.Request, JsonBody.DefaultLimitBytes);
        if (malformed is not null)
        {
            return malformed;
        }
        var f = new FieldReader(body);
        var role = f.Text("role", required: true, maxLength: 16);
        var partnerId = f.Id("partnerId", required: false);
        var campaignIds = f.IdList("campaignIds", maxCount: 1000);
        switch (role)
        {
            case null:
                break;
            case Roles.Partner:
                if (partnerId is null && !f.Errors.Any(e => e.Field == "partnerId"))
                {
                    f.Error("partnerId", "is required for a partner key");
                }
                if (campaignIds is not null)
                {
                    f.Error("campaignIds", "only a manager key is limited to campaigns");
                }
                break;
            case Roles.Manager:
            case Roles.Viewer:
                if (partnerId is not null)
                {
                    f.Error("partnerId", "only a partner key is bound to a partner");
                }
                if (role == Roles.Viewer && campaignIds is not null)
                {
                    f.Error("campaignIds", "only a manager key is limited to campaigns");
                }
                break;
            default:
                f.Error("role", "must be partner, manager or viewer");
                break;
        }
        if (f.HasErrors)
        {
            return ApiProblem.Invalid(f.Errors);
        }
        if (partnerId is not null && await grains.GetGrain<IPartnerGrain>(partnerId).Get() is null)
        {
            return ApiProblem.NotFound("partnerId", $"partner {partnerId} does not exist");
        }
        var (keyId, secret) = ApiKeySecrets.Create();
        var key = new ApiKeyRecord(keyId, ApiKeySecrets.Hash(secret), role!, partnerId, campaignIds, time.GetUtcNow(), Revoked: false);
        await grains.GetGrain<IApiKeyGrain>(keyId).Create(key);
        await audit.RecordAsync(caller!, "key.create", "key", keyId, null, null, AdminJson.Key(key));
        return TypedResults.Json(new { keyId, secret, role, partnerId, campaignIds }, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> RevokeKey(HttpContext context, string keyId, IGrainFactory grains, AuditLog audit, KeyAuthenticator authenticator)
    {
        var (caller, denied) = await RequireGlobalManagerAsync(context);
        if (denied is not null)
        {
            return denied;
        }
        if (!Identifiers.IsValid(keyId))
        {
            return ApiProblem.InvalidId("keyId");
        }
        if (keyId == ApiKeySecrets.BootstrapKeyId)
        {
            return ApiProblem.NotAllowed("configured-key", "The bootstrap key is configuration, not data.", "keyId",
                "remove CharityDay:BootstrapManagerKey from the configuration to retire the bootstrap key");
        }
        var change = await grains.GetGrain<IApiKeyGrain>(keyId).Revoke();
        if (change is null)
        {
            return ApiProblem.NotFound("keyId", $"key {keyId} does not exist");
        }
        if (!change.Before!.Revoked)
        {
            await audit.RecordAsync(caller!, "key.revoke", "key", keyId, null, AdminJson.Key(change.Before), AdminJson.Key(change.After));
        }
        // Every silo keeps a key's record for at most KeyAuthenticator.MaxAge, counted from a read that
        // started before the revocation was stored at the latest. Answering only after that long means
        // that once this answers, every silo refuses the key.
        authenticator.Forget(keyId);
        await Task.Delay(KeyAuthenticator.MaxAge);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> GetAudit(HttpContext context, ILedgerStore ledger)
    {
        var (caller, denied) = await Guard.RequireAsync(context, Roles.Manager, Roles.Viewer);
        if (denied is not null)
        {
            return denied;
        }
        var campaignId = context.Request.Query["campaignId"].ToString();
        IReadOnlyList<AuditEntry> entries;
        if (campaignId.Length > 0)
        {
            if (!Identifiers.IsValid(campaignId))
            {
                return ApiProblem.InvalidId("campaignId");
            }
            if (!caller!.CanRead(campaignId))
            {
                return Guard.OutOfScope(campaignId);
            }
            entries = await ledger.QueryAuditAsync([campaignId], includeGlobal: false, MaxAuditEntries);
        }
        else
        {
            // A scoped manager sees its own campaigns; partners and keys are not its business.
            var scoped = caller!.Role == Roles.Manager && caller.CampaignIds is not null;
            entries = await ledger.QueryAuditAsync(scoped ? caller.CampaignIds : null, includeGlobal: !scoped, MaxAuditEntries);
        }
        return TypedResults.Ok(entries.Select(e => new
        {
            id = e.Id,
            at = e.At,
            keyId = e.KeyId,
            campaignId = e.CampaignId,
            action = e.Action,
            entityType = e.EntityType,
            entityId = e.EntityId,
            before = Parse(e.BeforeJson),
            after = Parse(e.AfterJson),
        }));
    }

    private static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
}
