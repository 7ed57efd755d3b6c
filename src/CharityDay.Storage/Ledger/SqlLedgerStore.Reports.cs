using System.Data.Common;
using System.Text.Json;
using CharityDay.Domain.Reports;
using CharityDay.Domain.Transparency;
using CharityDay.Domain.Writing;

namespace CharityDay.Storage.Ledger;

/// <summary>
/// SPEC §6 "Use of funds": the reports, written by the campaign's writer under its fence in the same
/// transaction as their ledger event; read by the writer's rebuild (spent per project) and the public list.
/// </summary>
public abstract partial class SqlLedgerStore
{
    private const string ReportColumns = "project_id, report_id, campaign_id, seq, at, title, spent, items, evidence_url, filed_at, payload";

    public async Task FileReportAsync(LedgerReport report, LedgerEvent reportEvent, WriterFence? fence = null, CancellationToken ct = default)
    {
        using var writing = await EnterWriteAsync(ct);
        await using var connection = await OpenAsync(ct);
        await using var tx = await BeginWriteAsync(connection, ct);
        await CheckFenceAsync(connection, tx, fence, ct);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = tx;
            command.CommandText = $"INSERT INTO reports ({ReportColumns}) VALUES (@p, @r, @c, @s, @at, @t, @sp, @i, @e, @f, @pl)";
            var r = report.Report;
            AddParameter(command, "@p", r.ProjectId);
            AddParameter(command, "@r", r.ReportId);
            AddParameter(command, "@c", report.CampaignId);
            AddParameter(command, "@s", report.Seq);
            AddParameter(command, "@at", r.At.ToUnixTimeMilliseconds());
            AddParameter(command, "@t", r.Title);
            AddParameter(command, "@sp", r.SpentFen);
            AddParameter(command, "@i", JsonSerializer.Serialize(r.Items));
            AddParameter(command, "@e", r.EvidenceUrl);
            AddParameter(command, "@f", report.FiledAt.ToUnixTimeMilliseconds());
            AddParameter(command, "@pl", r.PayloadJson);
            await command.ExecuteNonQueryAsync(ct);
        }
        await InsertEventsAsync(connection, tx, report.CampaignId, [reportEvent], ct);
        await tx.CommitAsync(ct);
    }

    public async Task<LedgerReport?> GetReportAsync(string projectId, string reportId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ReportColumns} FROM reports WHERE project_id = @p AND report_id = @r";
        AddParameter(command, "@p", projectId);
        AddParameter(command, "@r", reportId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadReport(reader) : null;
    }

    /// <summary>The project's reports in filing order, after the one filed as <paramref name="afterSeq"/>.</summary>
    public async Task<IReadOnlyList<LedgerReport>> ProjectReportsAsync(string projectId, long afterSeq, int limit, CancellationToken ct = default)
    {
        var reports = new List<LedgerReport>();
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ReportColumns} FROM reports WHERE project_id = @p AND seq > @s ORDER BY seq LIMIT @n";
        AddParameter(command, "@p", projectId);
        AddParameter(command, "@s", afterSeq);
        AddParameter(command, "@n", limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            reports.Add(ReadReport(reader));
        }
        return reports;
    }

    /// <summary>Spent and report count per project of the campaign (the writer's rebuild).</summary>
    public async Task<IReadOnlyDictionary<string, (long SpentFen, int Count)>> CampaignSpentAsync(string campaignId, CancellationToken ct = default)
    {
        var spent = new Dictionary<string, (long, int)>(StringComparer.Ordinal);
        await using var connection = await OpenAsync(ct);
        await ReadAsync(connection, "SELECT project_id, SUM(spent), COUNT(*) FROM reports WHERE campaign_id = @c GROUP BY project_id", campaignId, null,
            r => spent[r.GetString(0)] = (Convert.ToInt64(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
                Convert.ToInt32(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture)), ct);
        return spent;
    }

    private static LedgerReport ReadReport(DbDataReader r) => new(
        new UseOfFundsReport(r.GetString(0), r.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)), r.GetString(5), r.GetInt64(6),
            JsonSerializer.Deserialize<List<ReportItem>>(r.GetString(7)) ?? [], ReadString(r, 8)),
        r.GetString(2), r.GetInt64(3), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(9)));
}

/// <summary>A report as the ledger keeps it: the report, its campaign, its event's seq and when it was filed.</summary>
public sealed record LedgerReport(UseOfFundsReport Report, string CampaignId, long Seq, DateTimeOffset FiledAt);
