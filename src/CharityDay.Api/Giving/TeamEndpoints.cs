using System.Diagnostics;
using CharityDay.Api.Auth;
using CharityDay.Api.Http;
using CharityDay.Api.OpenApi;
using CharityDay.Api.Public;
using CharityDay.Api.ReadSide;
using CharityDay.Api.Schemas;
using CharityDay.Contracts;
using CharityDay.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CharityDay.Api.Giving;

/// <summary>
/// SPEC §7 teams: a partner names its team (PUT /v1/teams/{teamId}); anyone reads a campaign's team
/// board and one team, from the campaign's snapshot like every public read (never from the writer).
/// </summary>
public static class TeamEndpoints
{
    public static void MapTeams(this IEndpointRouteBuilder app)
    {
        var teams = app.MapGroup("/v1/teams").WithTags("Teams").RequireAuthorization(KeyPolicies.Partner)
            .WithIdentifiers("teamId").ProducesProblems(400, 401, 403, 404, 409, 413, 503);
        teams.MapPut("/{teamId}", PutTeam).WithName("PutTeam")
            .WithSummary("Create (201) or rename (200) one of the partner's teams in a campaign")
            .Accepts<TeamBody>("application/json")
            .Produces<TeamView>(StatusCodes.Status201Created).Produces<TeamView>();
        teams.MapBadIdFallback("", "teamId", ["PUT"]);

        // Public, like every read of a campaign's snapshot: no key, under the optional per-client limit.
        var reads = app.MapGroup("/v1/campaigns/{campaignId}/teams").WithTags("Public reads").AllowAnonymous()
            .RequireRateLimiting(PublicReadLimits.Policy).WithIdentifiers("campaignId", "partnerId", "teamId")
            .ProducesProblems(400, 404, 429);
        reads.MapGet("", GetBoard).WithName("GetTeamBoard")
            .WithSummary("A campaign's teams by raised, descending (?top=N, default 10; ?kind=team|creator)")
            .Produces<IReadOnlyList<TeamBoardRow>>();
        reads.MapGet("/{partnerId}/{teamId}", GetTeam).WithName("GetTeam")
            .WithSummary("One team's totals")
            .Produces<TeamTotals>();
    }

    private static async Task<IResult> PutTeam(string teamId, HttpContext context, Caller caller, CatalogReplica catalog, GrainReferences grains)
    {
        var (body, malformed) = await JsonBody.ReadObjectAsync(context.Request, JsonBody.DefaultLimitBytes);
        if (malformed is not null)
        {
            return malformed;
        }
        var fields = new FieldReader(body);
        var campaignId = fields.Id("campaignId", required: true);
        var name = fields.Text("name", required: true, maxLength: FieldReader.MaxTextLength);
        var goal = fields.Long("goal", required: false, 0, Money.MaxBudgetFen);
        var kind = fields.Text("kind", required: false, maxLength: 16);
        if (kind is not null && !TeamKinds.IsValid(kind))
        {
            fields.Error("kind", $"must be \"{TeamKinds.Team}\" or \"{TeamKinds.Creator}\"");
        }
        if (fields.HasErrors)
        {
            return ApiProblem.Invalid(fields.Errors);
        }
        // An unknown campaign is answered without activating its grain (no state for a stranger's id).
        if (!await catalog.CampaignExistsAsync(campaignId!))
        {
            return ApiProblem.NotFound("campaignId", $"campaign {campaignId} does not exist");
        }
        Activity.Current?.SetTag("partner", caller.PartnerId);
        var outcome = await grains.Campaign(campaignId!).PutTeam(new TeamSettings(caller.PartnerId!, teamId, campaignId!, name!, goal, kind ?? TeamKinds.Team));
        return outcome switch
        {
            { Result: TeamPutResult.CampaignNotFound } => ApiProblem.NotFound("campaignId", $"campaign {campaignId} does not exist"),
            { Result: TeamPutResult.OtherCampaign } => ApiProblem.Conflict("campaignId", $"team {teamId} belongs to another campaign; it cannot change campaign"),
            { Team: { } team } => TypedResults.Json(View(team), statusCode: outcome.Result == TeamPutResult.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK),
            _ => throw new InvalidOperationException($"unexpected team outcome {outcome.Result}"),
        };
    }

    private static async Task<IResult> GetBoard(string campaignId, HttpRequest request, HttpResponse response, CatalogReplica catalog, CampaignSnapshots snapshots)
    {
        if (PublicEndpoints.ReadTop(request) is not { } top)
        {
            return ApiProblem.Invalid("top", $"must be an integer from 1 to {PublicEndpoints.MaxTop}");
        }
        string? kind = null;
        if (request.Query.TryGetValue("kind", out var kindText) && (kindText.Count != 1 || !TeamKinds.IsValid(kind = kindText[0])))
        {
            return ApiProblem.Invalid("kind", $"must be \"{TeamKinds.Team}\" or \"{TeamKinds.Creator}\"");
        }
        var (snapshot, asOf, missing) = await PublicEndpoints.FindCampaignAsync(campaignId, response, catalog, snapshots);
        if (missing is not null)
        {
            return missing;
        }
        PublicEndpoints.Cacheable(response, asOf);
        var teams = snapshot!.Teams ?? TeamBoardSnapshot.Empty;
        var board = kind switch
        {
            TeamKinds.Team => teams.TeamBoard,
            TeamKinds.Creator => teams.CreatorBoard,
            _ => teams.Board,
        };
        return TypedResults.Ok(board.Take(top).Select(BoardEntry));
    }

    private static async Task<IResult> GetTeam(string campaignId, string partnerId, string teamId, HttpResponse response, CatalogReplica catalog, CampaignSnapshots snapshots)
    {
        var (snapshot, asOf, missing) = await PublicEndpoints.FindCampaignAsync(campaignId, response, catalog, snapshots);
        if (missing is not null)
        {
            return missing;
        }
        if (snapshot!.Teams?.Teams.GetValueOrDefault(TeamReadModel.KeyOf(partnerId, teamId)) is not { } team)
        {
            return PublicEndpoints.NotFound(response, asOf, "teamId", $"team {teamId} of partner {partnerId} has neither a name nor a donation in campaign {campaignId}");
        }
        PublicEndpoints.Cacheable(response, asOf);
        return TypedResults.Ok(new TeamTotals
        {
            PartnerId = team.PartnerId,
            TeamId = team.TeamId,
            CampaignId = campaignId,
            Name = team.Name,
            Kind = team.Kind,
            Goal = team.GoalFen,
            Raised = team.RaisedFen,
            Matched = team.MatchedFen,
            DonationCount = team.DonationCount,
            DonorCount = team.DonorCount,
        });
    }

    private static TeamBoardRow BoardEntry(TeamReadModel t) => new()
    {
        PartnerId = t.PartnerId,
        TeamId = t.TeamId,
        Name = t.Name,
        Kind = t.Kind,
        Raised = t.RaisedFen,
        Matched = t.MatchedFen,
        DonationCount = t.DonationCount,
        DonorCount = t.DonorCount,
    };

    private static TeamView View(TeamSettings t) => new()
    {
        PartnerId = t.PartnerId,
        TeamId = t.TeamId,
        CampaignId = t.CampaignId,
        Name = t.Name,
        Goal = t.GoalFen,
        Kind = t.Kind,
    };
}
