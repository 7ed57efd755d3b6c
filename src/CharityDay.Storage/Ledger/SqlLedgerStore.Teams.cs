using System.Data.Common;
using CharityDay.Domain.Matching;
using CharityDay.Domain.Writing;

namespace CharityDay.Storage.Ledger;

/// <summary>SPEC §7 teams: the partners' team names and the team totals a campaign rebuilds from the ledger.</summary>
public abstract partial class SqlLedgerStore
{
    public async Task<TeamWriteResult> PutTeamAsync(LedgerTeam team, WriterFence? fence = null, CancellationToken ct = default)
    {
        using var writing = await EnterWriteAsync(ct);
        await using var connection = await OpenAsync(ct);
        await using var tx = await BeginWriteAsync(connection, ct);
        await CheckFenceAsync(connection, tx, fence, ct);
        bool existed;
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = tx;
            command.CommandText = "SELECT campaign_id FROM teams WHERE partner_id = @p AND team_id = @t" + LockReadRows;
            AddParameter(command, "@p", team.PartnerId);
            AddParameter(command, "@t", team.TeamId);
            var campaign = await command.ExecuteScalarAsync(ct) as string;
            if (campaign is not null && campaign != team.CampaignId)
            {
                await tx.CommitAsync(ct);
                return TeamWriteResult.OtherCampaign;
            }
            existed = campaign is not null;
        }
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = tx;
            command.CommandText =
                "INSERT INTO teams (partner_id, team_id, campaign_id, name, goal, kind, updated_at) VALUES (@p, @t, @c, @n, @g, @k, @u) " +
                "ON CONFLICT (partner_id, team_id) DO UPDATE SET name = excluded.name, goal = excluded.goal, kind = excluded.kind, updated_at = excluded.updated_at " +
                // A concurrent first naming from another campaign won the row: it stays that campaign's.
                "WHERE teams.campaign_id = excluded.campaign_id";
            AddParameter(command, "@p", team.PartnerId);
            AddParameter(command, "@t", team.TeamId);
            AddParameter(command, "@c", team.CampaignId);
            AddParameter(command, "@n", team.Name);
            AddParameter(command, "@g", team.GoalFen, System.Data.DbType.Int64);
            AddParameter(command, "@k", team.Kind);
            AddParameter(command, "@u", team.UpdatedAt.ToUnixTimeMilliseconds());
            if (await command.ExecuteNonQueryAsync(ct) == 0)
            {
                await tx.CommitAsync(ct);
                return TeamWriteResult.OtherCampaign;
            }
        }
        await tx.CommitAsync(ct);
        return existed ? TeamWriteResult.Replaced : TeamWriteResult.Created;
    }

    public async Task<LedgerTeam?> GetTeamAsync(string partnerId, string teamId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {TeamColumns} FROM teams WHERE partner_id = @p AND team_id = @t";
        AddParameter(command, "@p", partnerId);
        AddParameter(command, "@t", teamId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadTeam(reader) : null;
    }

    public async Task<IReadOnlyList<LedgerTeam>> CampaignTeamsAsync(string campaignId, CancellationToken ct = default)
    {
        var teams = new List<LedgerTeam>();
        await using var connection = await OpenAsync(ct);
        await ReadAsync(connection, $"SELECT {TeamColumns} FROM teams WHERE campaign_id = @c", campaignId, null, r => teams.Add(ReadTeam(r)), ct);
        return teams;
    }

    private const string TeamColumns = "partner_id, team_id, campaign_id, name, goal, kind, updated_at";

    private static LedgerTeam ReadTeam(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetInt64(4), r.GetString(5),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)));

    /// <summary>
    /// The team totals, from the team donations' rows (not the durable sums): per (team, donor) so the
    /// board can count distinct donors, and per team the live matches. Read inside the restore's snapshot.
    /// </summary>
    private static async Task LoadTeamTotalsAsync(DbConnection connection, DbTransaction tx, string campaignId, CampaignLedgerSnapshot snapshot, CancellationToken ct)
    {
        await ReadAsync(connection, tx,
            "SELECT partner_id, team_id, donor_id, CAST(SUM(amount) AS BIGINT), COUNT(*) FROM donations " +
            "WHERE campaign_id = @c AND team_id IS NOT NULL AND status = 'accepted' GROUP BY partner_id, team_id, donor_id",
            campaignId, null, r => snapshot.TeamDonations.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4))), ct);
        await ReadAsync(connection, tx,
            "SELECT d.partner_id, d.team_id, CAST(SUM(m.amount) AS BIGINT) FROM donations d JOIN matches m ON m.partner_id = d.partner_id AND m.donation_id = d.donation_id " +
            "WHERE d.campaign_id = @c AND d.team_id IS NOT NULL AND d.points_program IS NULL AND m.reversed_at IS NULL GROUP BY d.partner_id, d.team_id",
            campaignId, null, r => snapshot.TeamMatched.Add((r.GetString(0), r.GetString(1), r.GetInt64(2))), ct);
    }
}

/// <summary>A team as a partner named it (SPEC §7): kind "team" or "creator".</summary>
public sealed record LedgerTeam(string PartnerId, string TeamId, string CampaignId, string Name, long? GoalFen, string Kind, DateTimeOffset UpdatedAt);

public enum TeamWriteResult
{
    Created,
    Replaced,

    /// <summary>The partner's team id is already named in another campaign; nothing was written.</summary>
    OtherCampaign,
}
