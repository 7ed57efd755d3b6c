using System.Data.Common;
using CharityDay.Domain.Matching;

namespace CharityDay.Storage.Ledger;

public abstract partial class SqlLedgerStore
{
    /// <summary>
    /// The live merchant gifts (SPEC §7), from their rows (not the durable sums): per project for its
    /// <c>merchantRaised</c> and <c>merchantOrders</c>, and per merchant for the board. Read inside the
    /// restore's snapshot; the partial index on order_count keeps it to the merchant gifts' rows.
    /// </summary>
    private static async Task LoadMerchantGiftsAsync(DbConnection connection, DbTransaction tx, string campaignId, CampaignLedgerSnapshot snapshot, CancellationToken ct)
    {
        await ReadAsync(connection, tx,
            "SELECT project_id, CAST(SUM(amount) AS BIGINT), CAST(SUM(order_count) AS BIGINT) FROM donations " +
            "WHERE campaign_id = @c AND order_count IS NOT NULL AND status = 'accepted' GROUP BY project_id",
            campaignId, null, r => snapshot.ProjectMerchantGifts.Add((r.GetString(0), r.GetInt64(1), r.GetInt64(2))), ct);
        await ReadAsync(connection, tx,
            "SELECT partner_id, donor_id, CAST(SUM(amount) AS BIGINT), CAST(SUM(order_count) AS BIGINT), COUNT(*) FROM donations " +
            "WHERE campaign_id = @c AND order_count IS NOT NULL AND status = 'accepted' GROUP BY partner_id, donor_id",
            campaignId, null, r => snapshot.MerchantGifts.Add((r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4))), ct);
    }
}
