using System.Data.Common;
using CharityDay.Domain.Matching;

namespace CharityDay.Storage.Ledger;

public abstract partial class SqlLedgerStore
{
    /// <summary>
    /// Per project, the points its live points gifts used (SPEC §7 <c>pointsDonated</c>), from the points
    /// gifts' rows (not the durable sums). Read inside the restore's snapshot.
    /// </summary>
    private static Task LoadPointsDonatedAsync(DbConnection connection, DbTransaction tx, string campaignId, CampaignLedgerSnapshot snapshot, CancellationToken ct) =>
        ReadAsync(connection, tx,
            "SELECT project_id, CAST(SUM(points) AS BIGINT) FROM donations " +
            "WHERE campaign_id = @c AND points_program IS NOT NULL AND status = 'accepted' GROUP BY project_id",
            campaignId, null, r => snapshot.ProjectPoints.Add((r.GetString(0), r.GetInt64(1))), ct);
}
