using CharityDay.Contracts;

namespace CharityDay.Api.Auth;

/// <summary>Who is calling: the role and scope of a valid key.</summary>
public sealed record Caller(string KeyId, string Role, string? PartnerId, IReadOnlyList<string>? CampaignIds)
{
    public bool IsManager => Role == Roles.Manager;

    public bool ManagesAllCampaigns => IsManager && CampaignIds is null;

    public bool CanManage(string campaignId) => IsManager && (CampaignIds is null || CampaignIds.Contains(campaignId));

    public bool CanRead(string campaignId) => Role == Roles.Viewer || CanManage(campaignId);
}
