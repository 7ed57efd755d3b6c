using CharityDay.Api.Auth;
using CharityDay.Api.Http;
using CharityDay.Api.ReadSide;
using CharityDay.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace CharityDay.Api.Transparency;

/// <summary>What an export request may see: one campaign, one campaign-local day, and a partner's own rows or all of them.</summary>
public sealed record ExportScope(Caller Caller, string CampaignId, DateOnly Day, string Format)
{
    /// <summary>A partner reads its own donations only; a manager every partner's.</summary>
    public string? PartnerId => Caller.Role == Roles.Partner ? Caller.PartnerId : null;

    /// <summary>
    /// In the order that tells a caller no more than it may know: a partner or manager key (401/403, the
    /// endpoint's key policy, already passed), well-formed parameters (400), the manager's scope over the
    /// campaign (403), the campaign (404).
    /// A partner is not scoped to campaigns: in a campaign where it gave nothing it gets no rows.
    /// </summary>
    public static async Task<(ExportScope? Scope, IResult? Problem)> ResolveAsync(HttpContext context, Caller caller, CatalogReplica catalog,
        IAuthorizationService authorization, params string[] formats)
    {
        var query = formats.Length > 0
            ? new StrictQuery(context.Request, "campaignId", "day", "format")
            : new StrictQuery(context.Request, "campaignId", "day");
        var campaignId = query.Id("campaignId");
        var day = query.Day("day");
        var format = formats.Length > 0 ? query.Format(formats) : "json";
        if (query.HasErrors)
        {
            return (null, query.Problem);
        }
        if (caller.IsManager && await authorization.RefuseAsync(caller, campaignId!, write: true) is { } outOfScope)
        {
            return (null, outOfScope);
        }
        if (!await catalog.CampaignExistsAsync(campaignId!))
        {
            return (null, ApiProblem.NotFound("campaignId", $"campaign {campaignId} does not exist"));
        }
        return (new ExportScope(caller, campaignId!, day!.Value, format!), null);
    }
}
