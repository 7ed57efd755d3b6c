using System.Text.Json;
using CharityDay.Api.Auth;
using CharityDay.Api.Http;
using CharityDay.Api.OpenApi;
using CharityDay.Api.Schemas;
using Microsoft.AspNetCore.Authorization;
using CharityDay.Contracts;
using CharityDay.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CharityDay.Api.Admin;

/// <summary>Partners, API keys and the audit log. Partners and keys span campaigns: unscoped managers only.</summary>
public static class AccessAdminEndpoints
{
    public static void MapAccessAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin").WithTags("Access admin").WithIdentifiers("partnerId", "keyId")
            .ProducesProblems(400, 401, 403, 404, 503);
        admin.MapPut("/partners/{partnerId}", PutPartner).WithName("PutPartner").RequireAuthorization(KeyPolicies.GlobalManager)
            .WithSummary("Create (201) or replace (200) a partner")
            .Accepts<PartnerBody>("application/json").ProducesAdminWriteProblems().Produces<PartnerView>().Produces<PartnerView>(StatusCodes.Status201Created);
        admin.MapGet("/partners/{partnerId}", GetPartner).WithName("GetPartner").RequireAuthorization(KeyPolicies.GlobalReader)
            .WithSummary("A partner's settings as last written, with their ETag").Produces<PartnerView>();
        admin.MapGet("/partners", ListPartners).WithName("ListPartners").RequireAuthorization(KeyPolicies.GlobalReader)
            .WithSummary("Partners, a page at a time (?limit=, ?after=)").Produces<PartnerPage>();
        admin.MapPost("/keys", CreateKey).WithName("CreateKey").RequireAuthorization(KeyPolicies.GlobalManager)
            .WithSummary("Create a key; its secret is shown only in this answer")
            .Accepts<KeyBody>("application/json").ProducesAdminWriteProblems().Produces<CreatedKey>(StatusCodes.Status201Created);
        admin.MapGet("/keys", ListKeys).WithName("ListKeys").RequireAuthorization(KeyPolicies.GlobalManager)
            .WithSummary("Keys, never a secret, a page at a time").Produces<KeyPage>();
        admin.MapDelete("/keys/{keyId}", RevokeKey).WithName("RevokeKey").RequireAuthorization(KeyPolicies.GlobalManager)
            .WithSummary("Revoke a key: every silo refuses it once this answers").Produces(StatusCodes.Status204NoContent).ProducesAdminWriteProblems().ProducesProblems(422);
        admin.MapGet("/audit", GetAudit).WithName("GetAudit").RequireAuthorization(KeyPolicies.ManagerOrViewer)
            .WithSummary("The hash-chained audit log, oldest first, a page at a time (?campaignId=, ?limit=, ?after=)").Produces<AuditPage>();
        admin.MapGet("/audit/head", GetAuditHead).WithName("GetAuditHead").RequireAuthorization(KeyPolicies.ManagerOrViewer)
            .WithSummary("The audit chain's last entry");
        admin.MapBadIdFallback("/partners", "partnerId", ["PUT", "GET"], KeyPolicies.ManagerOrViewer);
        admin.MapBadIdFallback("/keys", "keyId", ["DELETE"], KeyPolicies.ManagerOrViewer);
    }

    private static async Task<IResult> PutPartner(HttpContext context, Caller caller, string partnerId, IGrainFactory grains)
    {
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
        var (request, badHeader) = AdminHttp.Request(context, caller, body);
        if (badHeader is not null)
        {
            return badHeader;
        }
        return AdminHttp.Answer(await grains.GetGrain<IPartnerGrain>(partnerId).Put(request!, new PartnerSettings(partnerId, name!, rateLimit)));
    }

    private static async Task<IResult> CreateKey(HttpContext context, Caller caller, IGrainFactory grains, TimeProvider time)
    {
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
        var (request, badHeader) = AdminHttp.Request(context, caller, body);
        if (badHeader is not null)
        {
            return badHeader;
        }
        var (keyId, secret) = ApiKeySecrets.Create();
        var key = new ApiKeyRecord(keyId, ApiKeySecrets.Hash(secret), role!, partnerId, campaignIds, time.GetUtcNow(), Revoked: false);
        var answer = await grains.GetGrain<IApiKeyGrain>(keyId).Create(request!, key);
        // Secrets are never stored, so only this first answer shows one; a replay's secret is null.
        return AdminHttp.Answer(answer is { Refusal: null, Replayed: false }
            ? answer with { Body = AdminSettingsJson.Wire(AdminJson.CreatedKey(key, secret)) }
            : answer);
    }

    private static async Task<IResult> RevokeKey(HttpContext context, Caller caller, string keyId, IGrainFactory grains, KeyAuthenticator authenticator)
    {
        if (keyId == ApiKeySecrets.BootstrapKeyId)
        {
            return ApiProblem.NotAllowed("configured-key", "The bootstrap key is configuration, not data.", "keyId",
                "remove CharityDay:BootstrapManagerKey from the configuration to retire the bootstrap key");
        }
        var (request, badHeader) = AdminHttp.Request(context, caller, null);
        if (badHeader is not null)
        {
            return badHeader;
        }
        var answer = await grains.GetGrain<IApiKeyGrain>(keyId).Revoke(request!);
        if (answer.Refusal is not null)
        {
            return AdminHttp.Answer(answer);
        }
        // Every silo keeps a key's record for at most KeyAuthenticator.MaxAge, counted from a read that
        // started before the revocation was stored at the latest. Answering only after that long means
        // that once this answers, every silo refuses the key.
        authenticator.Forget(keyId);
        await Task.Delay(KeyAuthenticator.MaxAge);
        return AdminHttp.Answer(answer);
    }

    private static async Task<IResult> GetPartner(string partnerId, IGrainFactory grains)
    {
        return await grains.GetGrain<IAdminReadGrain>(0).GetSetting(AdminKinds.Partner, partnerId) is { } row
            ? AdminHttp.WithETag(AdminJson.Partner(AdminSettingsJson.Load<PartnerSettings>(row.SettingsJson)), row.ETag)
            : ApiProblem.NotFound("partnerId", $"partner {partnerId} does not exist");
    }

    private static async Task<IResult> ListPartners(HttpContext context, IGrainFactory grains)
    {
        var (page, bad) = AdminPages.Read(context);
        return bad ?? await AdminPages.ListAsync(grains, AdminKinds.Partner, null, page!, _ => true,
            row => AdminJson.Partner(AdminSettingsJson.Load<PartnerSettings>(row.SettingsJson)));
    }

    /// <summary>Every key, never a secret or its hash, with when it was last used (null until then).</summary>
    private static async Task<IResult> ListKeys(HttpContext context, IGrainFactory grains)
    {
        var (page, bad) = AdminPages.Read(context);
        if (bad is not null)
        {
            return bad;
        }
        if (page!.After is { } after && !Identifiers.IsValid(after))
        {
            return ApiProblem.Invalid("after", "must be the next cursor of the previous page");
        }
        var reads = grains.GetGrain<IAdminReadGrain>(0);
        var rows = await reads.List(AdminKinds.Key, null, page.After, page.Limit + 1);
        var keys = rows.Take(page.Limit).Select(r => AdminSettingsJson.Load<ApiKeyRecord>(r.SettingsJson)).ToList();
        var lastUsed = await reads.KeysLastUsed([.. keys.Select(k => k.KeyId)]);
        return TypedResults.Ok(new
        {
            items = keys.Select(k => new
            {
                keyId = k.KeyId,
                role = k.Role,
                partnerId = k.PartnerId,
                campaignIds = k.CampaignIds,
                createdAt = k.CreatedAt,
                lastUsedAt = lastUsed.TryGetValue(k.KeyId, out var at) ? at : (DateTimeOffset?)null,
                revoked = k.Revoked,
            }).ToList(),
            next = rows.Count > page.Limit ? keys[^1].KeyId : null,
        });
    }

    /// <summary>The chained audit log, oldest first, a page at a time; the cursor is the last entry's seq.</summary>
    private static async Task<IResult> GetAudit(HttpContext context, Caller caller, IGrainFactory grains, IAuthorizationService authorization)
    {
        var (page, bad) = AdminPages.Read(context);
        if (bad is not null)
        {
            return bad;
        }
        long afterSeq = 0;
        if (page!.After is { } after && (!long.TryParse(after, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out afterSeq) || afterSeq < 0))
        {
            return ApiProblem.Invalid("after", "must be the next cursor of the previous page");
        }
        var campaignId = context.Request.Query["campaignId"].ToString();
        var reads = grains.GetGrain<IAdminReadGrain>(0);
        IReadOnlyList<AuditEntryView> entries;
        if (campaignId.Length > 0)
        {
            if (!Identifiers.IsValid(campaignId))
            {
                return ApiProblem.InvalidId("campaignId");
            }
            if (await authorization.RefuseAsync(caller, campaignId, write: false) is { } outOfScope)
            {
                return outOfScope;
            }
            entries = await reads.Audit([campaignId], includeGlobal: false, afterSeq, page.Limit + 1);
        }
        else
        {
            // A scoped manager sees its own campaigns; partners and keys are not its business.
            var scoped = caller.Role == Roles.Manager && caller.CampaignIds is not null;
            entries = await reads.Audit(scoped ? caller.CampaignIds : null, includeGlobal: !scoped, afterSeq, page.Limit + 1);
        }
        var items = entries.Take(page.Limit).ToList();
        return TypedResults.Ok(new
        {
            items = items.Select(e => new
            {
                seq = e.Seq,
                at = e.At,
                keyId = e.KeyId,
                action = e.Action,
                target = e.Target,
                campaignId = e.CampaignId,
                before = Parse(e.BeforeJson),
                after = Parse(e.AfterJson),
                prevHash = e.PrevHash,
                hash = e.Hash,
            }).ToList(),
            next = entries.Count > page.Limit ? items[^1].Seq.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
        });
    }

    private static async Task<Ok<AuditHead>> GetAuditHead(IGrainFactory grains)
    {
        var head = await grains.GetGrain<IAdminReadGrain>(0).AuditHead();
        return TypedResults.Ok(new AuditHead { Seq = head!.Seq, Hash = head.Hash });
    }

    private static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
}
