using System.Security.Claims;
using CharityDay.Contracts;
using Microsoft.AspNetCore.Http;

namespace CharityDay.Api.Auth;

/// <summary>Who is calling: the role and scope of a valid key.</summary>
public sealed record Caller(string KeyId, string Role, string? PartnerId, IReadOnlyList<string>? CampaignIds)
{
    private ClaimsPrincipal? _principal;

    public bool IsManager => Role == Roles.Manager;

    public bool ManagesAllCampaigns => IsManager && CampaignIds is null;

    public bool CanManage(string campaignId) => IsManager && (CampaignIds is null || CampaignIds.Contains(campaignId));

    public bool CanRead(string campaignId) => Role == Roles.Viewer || CanManage(campaignId);

    /// <summary>
    /// The principal ASP.NET authorization sees. Built once per cached key record (KeyAuthenticator hands
    /// out the same Caller while the record is fresh), so a donation does not build claims per request.
    /// Nothing mutates it: claims transformation is not configured.
    /// </summary>
    public ClaimsPrincipal Principal => _principal ??= new ClaimsPrincipal(new CallerIdentity(this));

    /// <summary>Minimal-API binding: a handler behind a key policy takes the <see cref="Caller"/> as a parameter.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) => ValueTask.FromResult(Of(context.User));

    public static Caller? Of(ClaimsPrincipal? user) => (user?.Identity as CallerIdentity)?.Caller;

    public bool Equals(Caller? other) =>
        other is not null && KeyId == other.KeyId && Role == other.Role && PartnerId == other.PartnerId && Equals(CampaignIds, other.CampaignIds);

    public override int GetHashCode() => HashCode.Combine(KeyId, Role, PartnerId);
}

/// <summary>An authenticated key as a claims identity: the role as its role claim, the key id as its name.</summary>
public sealed class CallerIdentity(Caller caller)
    : ClaimsIdentity([new Claim(ClaimTypes.Name, caller.KeyId), new Claim(ClaimTypes.Role, caller.Role)], ApiKeyAuthentication.SchemeName)
{
    public Caller Caller { get; } = caller;
}
