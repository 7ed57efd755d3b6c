using CharityDay.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace CharityDay.Api.Auth;

/// <summary>
/// The authorization policies of SPEC §4, by name: a key's role, managers of every campaign, and a
/// manager's campaign scope. Each failing requirement says why, and that reason is the 403's detail.
/// </summary>
public static class KeyPolicies
{
    public const string Partner = "partner";
    public const string Manager = "manager";
    public const string ManagerOrViewer = "manager-or-viewer";

    /// <summary>Daily exports: a partner (its own rows) or a manager (every partner's, in its campaigns).</summary>
    public const string PartnerOrManager = "partner-or-manager";

    /// <summary>Partners and keys span campaigns: a manager of every campaign only.</summary>
    public const string GlobalManager = "global-manager";

    /// <summary>Partner settings: a manager of every campaign, or a viewer.</summary>
    public const string GlobalReader = "global-reader";

    /// <summary>A manager whose scope includes the route's <c>{campaignId}</c>.</summary>
    public const string CampaignManager = "campaign-manager";

    /// <summary>A viewer, or a manager whose scope includes the route's <c>{campaignId}</c>.</summary>
    public const string CampaignReader = "campaign-reader";

    /// <summary>Resource policies for a campaign id found in a body or a stored row (the role is checked already).</summary>
    public const string ManageCampaign = "manage-campaign";
    public const string ReadCampaign = "read-campaign";

    public static void Add(AuthorizationOptions options)
    {
        foreach (var (name, requirements) in Policies())
        {
            options.AddPolicy(name, p => p.AddAuthenticationSchemes(ApiKeyAuthentication.SchemeName).AddRequirements(requirements));
        }
    }

    private static IEnumerable<(string Name, IAuthorizationRequirement[] Requirements)> Policies()
    {
        yield return (Partner, [new RoleRequirement(Roles.Partner)]);
        yield return (Manager, [new RoleRequirement(Roles.Manager)]);
        yield return (ManagerOrViewer, [new RoleRequirement(Roles.Manager, Roles.Viewer)]);
        yield return (PartnerOrManager, [new RoleRequirement(Roles.Partner, Roles.Manager)]);
        yield return (GlobalManager, [new RoleRequirement(Roles.Manager),
            new CallerRequirement(c => c.ManagesAllCampaigns, "only a manager key for all campaigns may manage partners and keys")]);
        yield return (GlobalReader, [new RoleRequirement(Roles.Manager, Roles.Viewer),
            new CallerRequirement(c => c.Role == Roles.Viewer || c.ManagesAllCampaigns, "only a manager key for all campaigns (or a viewer) may read partners")]);
        yield return (CampaignManager, [new RoleRequirement(Roles.Manager), new CampaignScopeRequirement(write: true)]);
        yield return (CampaignReader, [new RoleRequirement(Roles.Manager, Roles.Viewer), new CampaignScopeRequirement(write: false)]);
        yield return (ManageCampaign, [new CampaignScopeRequirement(write: true)]);
        yield return (ReadCampaign, [new CampaignScopeRequirement(write: false)]);
    }

    /// <summary>403's detail when a key's campaign scope does not include the campaign.</summary>
    public static string OutOfScope(string campaignId) => $"this manager key is not scoped to campaign {campaignId}";
}

/// <summary>The key has one of these roles.</summary>
public sealed class RoleRequirement(params string[] roles) : AuthorizationHandler<RoleRequirement>, IAuthorizationRequirement
{
    public IReadOnlyList<string> Roles { get; } = roles;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RoleRequirement requirement)
    {
        if (Caller.Of(context.User) is { } caller)
        {
            if (requirement.Roles.Contains(caller.Role))
            {
                context.Succeed(requirement);
            }
            else
            {
                context.Fail(new AuthorizationFailureReason(this,
                    $"a {caller.Role} key may not call this endpoint; it needs {string.Join(" or ", requirement.Roles)}"));
            }
        }
        return Task.CompletedTask;
    }
}

/// <summary>A rule over the whole key, with the reason it gives when it fails.</summary>
public sealed class CallerRequirement(Func<Caller, bool> allows, string refusal) : AuthorizationHandler<CallerRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CallerRequirement requirement)
    {
        if (Caller.Of(context.User) is { } caller)
        {
            if (requirement.Allows(caller))
            {
                context.Succeed(requirement);
            }
            else
            {
                context.Fail(new AuthorizationFailureReason(this, requirement.Refusal));
            }
        }
        return Task.CompletedTask;
    }

    private Func<Caller, bool> Allows { get; } = allows;

    private string Refusal { get; } = refusal;
}

/// <summary>
/// A manager key limited to a list of campaigns acts on those only (viewers read every campaign).
/// The campaign is the resource: a campaign id (from a body or a stored row, checked by the handler
/// through IAuthorizationService), or the request, whose route <c>{campaignId}</c> names it.
/// </summary>
public sealed class CampaignScopeRequirement(bool write) : AuthorizationHandler<CampaignScopeRequirement>, IAuthorizationRequirement
{
    public bool Write { get; } = write;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CampaignScopeRequirement requirement)
    {
        if (Caller.Of(context.User) is not { } caller)
        {
            return Task.CompletedTask;
        }
        var campaignId = context.Resource switch
        {
            string id => id,
            HttpContext http => http.Request.RouteValues.TryGetValue("campaignId", out var value) ? value as string : null,
            _ => null,
        };
        // A malformed route id names no campaign: the identifier filter answers it with a 400 naming
        // the field, as it would for any key, rather than a 403 that says nothing about the id.
        if (campaignId is null || (context.Resource is HttpContext && !Domain.Identifiers.IsValid(campaignId)))
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }
        if (requirement.Write ? caller.CanManage(campaignId) : caller.CanRead(campaignId))
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, KeyPolicies.OutOfScope(campaignId)));
        }
        return Task.CompletedTask;
    }
}
