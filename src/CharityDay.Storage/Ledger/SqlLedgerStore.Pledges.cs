using System.Data.Common;
using CharityDay.Domain.Giving;
using CharityDay.Domain.Matching;
using CharityDay.Domain.Writing;

namespace CharityDay.Storage.Ledger;

/// <summary>SPEC §7 monthly pledges: their terms, and the charges a campaign rebuilds from its donation rows.</summary>
public abstract partial class SqlLedgerStore
{
    /// <summary>The campaign-local month a pledge charge is counted in (see <see cref="PledgeBook.MonthOf"/>).</summary>
    protected static int PledgeMonth(DateOnly localDay) => PledgeBook.MonthOf(localDay);

    /// <summary>Creates or replaces the pledge's terms (or cancels it), under the campaign's writer fence.</summary>
    public async Task PutPledgeAsync(LedgerPledge pledge, WriterFence? fence = null, CancellationToken ct = default)
    {
        using var writing = await EnterWriteAsync(ct);
        await using var connection = await OpenAsync(ct);
        await using var tx = await BeginWriteAsync(connection, ct);
        await CheckFenceAsync(connection, tx, fence, ct);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = tx;
            command.CommandText =
                "INSERT INTO pledges (partner_id, pledge_id, campaign_id, project_id, donor_id, amount, day_of_month, status, created_at, cancelled_at) " +
                "VALUES (@p, @i, @c, @pr, @d, @a, @m, @s, @at, @x) ON CONFLICT (partner_id, pledge_id) DO UPDATE SET project_id = excluded.project_id, " +
                "donor_id = excluded.donor_id, amount = excluded.amount, day_of_month = excluded.day_of_month, status = excluded.status, cancelled_at = excluded.cancelled_at " +
                "WHERE pledges.campaign_id = excluded.campaign_id";
            AddParameter(command, "@p", pledge.PartnerId);
            AddParameter(command, "@i", pledge.PledgeId);
            AddParameter(command, "@c", pledge.CampaignId);
            AddParameter(command, "@pr", pledge.ProjectId);
            AddParameter(command, "@d", pledge.DonorId);
            AddParameter(command, "@a", pledge.AmountFen);
            AddParameter(command, "@m", pledge.DayOfMonth);
            AddParameter(command, "@s", pledge.Status);
            AddParameter(command, "@at", pledge.CreatedAt.ToUnixTimeMilliseconds());
            AddParameter(command, "@x", pledge.CancelledAt?.ToUnixTimeMilliseconds(), System.Data.DbType.Int64);
            if (await command.ExecuteNonQueryAsync(ct) == 0)
            {
                throw new InvalidOperationException($"pledge {pledge.PledgeId} of {pledge.PartnerId} belongs to another campaign");
            }
        }
        await tx.CommitAsync(ct);
    }

    public async Task<LedgerPledge?> GetPledgeAsync(string partnerId, string pledgeId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {PledgeColumns} FROM pledges WHERE partner_id = @p AND pledge_id = @i";
        AddParameter(command, "@p", partnerId);
        AddParameter(command, "@i", pledgeId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadPledge(reader) : null;
    }

    public async Task<IReadOnlyList<LedgerPledge>> CampaignPledgesAsync(string campaignId, CancellationToken ct = default)
    {
        var pledges = new List<LedgerPledge>();
        await using var connection = await OpenAsync(ct);
        await ReadAsync(connection, $"SELECT {PledgeColumns} FROM pledges WHERE campaign_id = @c", campaignId, null, r => pledges.Add(ReadPledge(r)), ct);
        return pledges;
    }

    private const string PledgeColumns = "partner_id, pledge_id, campaign_id, project_id, donor_id, amount, day_of_month, status, created_at, cancelled_at";

    private static LedgerPledge ReadPledge(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5), r.GetInt32(6), r.GetString(7),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8)), ReadTime(r, 9));

    /// <summary>Every charge of the campaign's pledges, refunded or not (a charged month stays charged).</summary>
    private static Task LoadPledgeChargesAsync(DbConnection connection, DbTransaction tx, string campaignId, CampaignLedgerSnapshot snapshot, CancellationToken ct) =>
        ReadAsync(connection, tx,
            "SELECT partner_id, pledge_id, pledge_month, donation_id FROM donations WHERE campaign_id = @c AND pledge_id IS NOT NULL",
            campaignId, null, r => snapshot.PledgeCharges.Add((r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetString(3))), ct);
}

/// <summary>A monthly pledge as the ledger keeps it (SPEC §7); status "active" or "cancelled".</summary>
public sealed record LedgerPledge(
    string PartnerId, string PledgeId, string CampaignId, string ProjectId, string DonorId, long AmountFen, int DayOfMonth, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset? CancelledAt);
