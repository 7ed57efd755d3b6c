using System.Diagnostics;
using CharityDay.Api.Auth;
using CharityDay.Api.Http;
using CharityDay.Api.Public;
using CharityDay.Api.ReadSide;
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
        app.MapPut("/v1/teams/{teamId}", PutTeam);
        app.MapBadIdFallback("/v1/teams", "teamId", ["PUT"], async context => (await Guard.RequireAsync(context, Roles.Partner)).Problem);
        var reads = app.MapGroup("").RequireRateLimiting(PublicReadLimits.Policy);
        reads.MapGet("/v1/campaigns/{campaignId}/teams", GetBoard);
        reads.MapGet("/v1/campaigns/{campaignId}/teams/{partnerId}/{teamId}", GetTeam);
    }

    private static async Task<IResult> PutTeam(string teamId, HttpContext context, CatalogReplica catalog, GrainReferences grains)
    {
        var (caller, denied) = await Guard.RequireAsync(context, Roles.Partner);
        if (denied is not null)
        {
            return denied;
        }
        if (!Identifiers.IsValid(teamId))
        {
            return ApiProblem.InvalidId("teamId");
        }
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
        Activity.Current?.SetTag("partner", caller!.PartnerId);
        var outcome = await grains.Campaign(campaignId!).PutTeam(new TeamSettings(caller!.PartnerId!, teamId, campaignId!, name!, goal, kind ?? TeamKinds.Team));
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
        if (!Identifiers.IsValid(campaignId))
        {
            return ApiProblem.InvalidId("campaignId");
        }
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
        foreach (var (field, id) in new[] { ("campaignId", campaignId), ("partnerId", partnerId), ("teamId", teamId) })
        {
            if (!Identifiers.IsValid(id))
            {
                return ApiProblem.InvalidId(field);
            }
        }
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
        return TypedResults.Ok(new
        {
            partnerId = team.PartnerId,
            teamId = team.TeamId,
            campaignId,
            name = team.Name,
            kind = team.Kind,
            goal = team.GoalFen,
            raised = team.RaisedFen,
            matched = team.MatchedFen,
            donationCount = team.DonationCount,
            donorCount = team.DonorCount,
        });
    }

    private static object BoardEntry(TeamReadModel t) => new
    {
        partnerId = t.PartnerId,
        teamId = t.TeamId,
        name = t.Name,
        kind = t.Kind,
        raised = t.RaisedFen,
        matched = t.MatchedFen,
        donationCount = t.DonationCount,
        donorCount = t.DonorCount,
    };

    private static object View(TeamSettings t) => new
    {
        partnerId = t.PartnerId,
        teamId = t.TeamId,
        campaignId = t.CampaignId,
        name = t.Name,
        goal = t.GoalFen,
        kind = t.Kind,
    };
}
