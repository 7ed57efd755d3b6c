namespace CharityDay.Integration.Tests.OpenApi;

/// <summary>
/// The SPEC §4/§6/§7 operations the service implements today, as the OpenAPI document must list them.
/// The one list to extend when an endpoint lands (teams, exports, checkpoints, reports, merchants, …):
/// add its line here, map it with its metadata, and regenerate docs/openapi.json.
/// </summary>
public static class SpecPaths
{
    public sealed record Operation(string Method, string Path, bool NeedsKey = true);

    public static readonly IReadOnlyList<Operation> Implemented =
    [
        // §4 partners
        new("post", "/v1/donations"),
        new("post", "/v1/donations/batch"),
        new("get", "/v1/donations/{donationId}"),
        new("post", "/v1/donations/{donationId}/refund"),
        new("get", "/v1/donations/{donationId}/receipt"),
        // §4 public reads
        new("get", "/v1/projects/{projectId}", NeedsKey: false),
        new("get", "/v1/campaigns/{campaignId}", NeedsKey: false),
        new("get", "/v1/campaigns/{campaignId}/leaderboard", NeedsKey: false),
        // §6 transparency, public
        new("get", "/v1/campaigns/{campaignId}/disclosure", NeedsKey: false),
        new("get", "/v1/campaigns/{campaignId}/checkpoints", NeedsKey: false),
        // §6 use of funds
        new("post", "/v1/admin/projects/{projectId}/reports"),
        new("get", "/v1/projects/{projectId}/reports", NeedsKey: false),
        new("get", "/v1/projects/{projectId}/reports/{reportId}/receipt", NeedsKey: false),
        // §6 exports and statements
        new("get", "/v1/exports/donations"),
        new("get", "/v1/exports/summary"),
        new("get", "/v1/admin/pools/{poolId}/statement"),
        // §7 teams, merchants and pledges
        new("put", "/v1/teams/{teamId}"),
        new("get", "/v1/campaigns/{campaignId}/teams", NeedsKey: false),
        new("get", "/v1/campaigns/{campaignId}/teams/{partnerId}/{teamId}", NeedsKey: false),
        new("get", "/v1/campaigns/{campaignId}/merchants", NeedsKey: false),
        new("put", "/v1/pledges/{pledgeId}"),
        new("post", "/v1/pledges/{pledgeId}/cancel"),
        // §4 campaign managers
        new("put", "/v1/admin/campaigns/{campaignId}"),
        new("get", "/v1/admin/campaigns/{campaignId}"),
        new("put", "/v1/admin/projects/{projectId}"),
        new("get", "/v1/admin/projects/{projectId}"),
        new("put", "/v1/admin/pools/{poolId}"),
        new("patch", "/v1/admin/pools/{poolId}"),
        new("get", "/v1/admin/pools/{poolId}"),
        new("post", "/v1/admin/pools/{poolId}/clawback"),
        new("get", "/v1/admin/pools/{poolId}/seed"),
        new("get", "/v1/admin/audit"),
        new("get", "/v1/admin/audit/head"),
        new("put", "/v1/admin/partners/{partnerId}"),
        new("get", "/v1/admin/partners/{partnerId}"),
        new("post", "/v1/admin/keys"),
        new("delete", "/v1/admin/keys/{keyId}"),
        // §4 listing
        new("get", "/v1/admin/campaigns"),
        new("get", "/v1/admin/campaigns/{campaignId}/pools"),
        new("get", "/v1/admin/campaigns/{campaignId}/projects"),
        new("get", "/v1/admin/partners"),
        new("get", "/v1/admin/keys"),
    ];
}
