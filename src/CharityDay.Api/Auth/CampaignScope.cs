using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace CharityDay.Api.Auth;

/// <summary>
/// Resource-based campaign scope, for a campaign the route does not name (a project's or pool's, from
/// the body or the stored settings): the same requirement as the route policies, asked by the handler.
/// </summary>
public static class CampaignScope
{
    /// <summary>Null when the key may act on the campaign; else its 403.</summary>
    public static async Task<IResult?> RefuseAsync(this IAuthorizationService authorization, Caller caller, string campaignId, bool write)
    {
        var result = await authorization.AuthorizeAsync(caller.Principal, campaignId, write ? KeyPolicies.ManageCampaign : KeyPolicies.ReadCampaign);
        return result.Succeeded ? null : Guard.OutOfScope(campaignId);
    }
}
