using CharityDay.Contracts;
using CharityDay.Contracts.Telemetry;
using CharityDay.Domain.Giving;
using CharityDay.Grains.Campaigns.ReadSide;
using CharityDay.Storage.Ledger;
using Microsoft.Extensions.Logging;

namespace CharityDay.Grains.Campaigns;

/// <summary>
/// SPEC §7 teams: the partners' team names, kept with the campaign because its snapshot shows them on
/// the team board. A name changes no money, so team writes take their own lock, not the write lock a
/// burst of donations waits on; they are still fenced, so an activation that lost the campaign stops.
/// </summary>
public sealed partial class CampaignGrain
{
    private readonly Dictionary<TeamKey, TeamSettings> _teams = [];
    private readonly WriteGate _teamGate = new();
    private TeamBoardModel? _teamBoardInstance;

    private TeamBoardModel TeamBoard => _teamBoardInstance ??= new TeamBoardModel(Write.Teams, _teams);

    public async Task<TeamPutOutcome> PutTeam(TeamSettings team)
    {
        using var activity = CharityDayTelemetry.Source.StartActivity("team.put");
        await _teamGate.EnterAsync(urgent: false);
        try
        {
            if (_settings is null)
            {
                return Counted(new TeamPutOutcome(TeamPutResult.CampaignNotFound, null));
            }
            var stored = new LedgerTeam(team.PartnerId, team.TeamId, CampaignId, team.Name, team.GoalFen, team.Kind, Now());
            var result = await Fenced(() => ledger.PutTeamAsync(stored, _fence));
            if (result == TeamWriteResult.OtherCampaign)
            {
                return Counted(new TeamPutOutcome(TeamPutResult.OtherCampaign, null));
            }
            var key = new TeamKey(team.PartnerId, team.TeamId);
            var named = team with { CampaignId = CampaignId };
            _teams[key] = named;
            TeamBoard.NameChanged(key);
            logger.LogInformation("Team {TeamId} of partner {PartnerId} named in campaign {CampaignId} ({Kind})", team.TeamId, team.PartnerId, CampaignId, team.Kind);
            return Counted(new TeamPutOutcome(result == TeamWriteResult.Created ? TeamPutResult.Created : TeamPutResult.Replaced, named));
        }
        finally
        {
            _teamGate.Exit();
        }
    }

    /// <summary>Takes the campaign's team names as the ledger has them (activation).</summary>
    private async Task LoadTeamsAsync(CancellationToken ct)
    {
        _teams.Clear();
        foreach (var row in await ledger.CampaignTeamsAsync(CampaignId, ct))
        {
            var key = new TeamKey(row.PartnerId, row.TeamId);
            _teams[key] = new TeamSettings(row.PartnerId, row.TeamId, row.CampaignId, row.Name, row.GoalFen, row.Kind);
            TeamBoard.NameChanged(key);
        }
    }

    private TeamPutOutcome Counted(TeamPutOutcome outcome)
    {
        CharityDayTelemetry.TeamWrites.Add(1, new KeyValuePair<string, object?>("campaign", CampaignId), new KeyValuePair<string, object?>("result", outcome.Result.ToString()));
        return outcome;
    }
}
