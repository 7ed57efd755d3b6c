using CharityDay.Domain.Reports;
using CharityDay.Domain.Writing;
using CharityDay.Storage.Ledger;
using CharityDay.Storage.Migrations;
using CharityDay.Storage.Tests.Migrations;
using Npgsql;
using Xunit;

namespace CharityDay.Storage.Tests.Ledger;

/// <summary>
/// SPEC §6 use-of-funds reports in the ledger (migration 0022), on both databases: a report and its ledger
/// event commit together or not at all, an older activation cannot file one, and the reads give them back
/// in filing order with spent per project.
/// </summary>
public sealed class ReportStoreTests
{
    private static UseOfFundsReport Report(string id, long spent, string project = "project") =>
        new(project, id, DateTimeOffset.FromUnixTimeMilliseconds(1_788_000_000_123), $"Report {id} — 棉被", spent,
            [new ReportItem("Quilt", 3, "piece")], id == "r1" ? "https://example.org/r1" : null);

    [Fact]
    public async Task Sqlite_reports_round_trip_with_their_events_under_the_fence()
    {
        using var file = new SqliteTestFile();
        await MigrationRunner.ApplySqliteAsync(file.ConnectionString);
        await AssertReportsAsync(new SqliteLedgerStore(file.ConnectionString));
    }

    [Fact]
    public async Task Postgres_reports_round_trip_with_their_events_under_the_fence()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await MigrationRunner.ApplyPostgresAsync(database.ConnectionString);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await AssertReportsAsync(new PostgresLedgerStore(dataSource));
    }

    private static async Task AssertReportsAsync(ILedgerStore ledger)
    {
        var old = await ledger.ClaimWriterAsync("campaign");
        var filedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_788_000_100_000);
        var r1 = Report("r1", 700);
        await ledger.FileReportAsync(new LedgerReport(r1, "campaign", 1, filedAt), r1.ToEvent(1, "campaign"), old);

        // An event that does not follow the last one: nothing written, the report row neither.
        var r2 = Report("r2", -100);
        await Assert.ThrowsAsync<EventSequenceException>(() => ledger.FileReportAsync(new LedgerReport(r2, "campaign", 5, filedAt), r2.ToEvent(5, "campaign"), old));
        Assert.Null(await ledger.GetReportAsync("project", "r2"));

        var newer = await ledger.ClaimWriterAsync("campaign");
        await Assert.ThrowsAsync<FencedOutException>(() => ledger.FileReportAsync(new LedgerReport(r2, "campaign", 2, filedAt), r2.ToEvent(2, "campaign"), old));
        Assert.Null(await ledger.GetReportAsync("project", "r2"));
        Assert.Equal(1, await ledger.LastEventSeqAsync("campaign"));

        await ledger.FileReportAsync(new LedgerReport(r2, "campaign", 2, filedAt), r2.ToEvent(2, "campaign"), newer);
        var r3 = Report("r3", 50, project: "other");
        await ledger.FileReportAsync(new LedgerReport(r3, "campaign", 3, filedAt), r3.ToEvent(3, "campaign"), newer);

        var stored = await ledger.GetReportAsync("project", "r1");
        Assert.NotNull(stored);
        Assert.Equal(r1.PayloadJson, stored.Report.PayloadJson);
        Assert.Equal((1L, filedAt, "campaign"), (stored.Seq, stored.FiledAt, stored.CampaignId));
        Assert.Equal(["r1", "r2"], (await ledger.ProjectReportsAsync("project", 0, 10)).Select(r => r.Report.ReportId));
        Assert.Equal(["r2"], (await ledger.ProjectReportsAsync("project", 1, 10)).Select(r => r.Report.ReportId));
        Assert.Equal(["r1"], (await ledger.ProjectReportsAsync("project", 0, 1)).Select(r => r.Report.ReportId));
        var spent = await ledger.CampaignSpentAsync("campaign");
        Assert.Equal((600L, 2), spent["project"]);
        Assert.Equal((50L, 1), spent["other"]);

        var events = await ledger.ReadEventsAsync("campaign", 1, 3);
        Assert.Equal(["report", "report", "report"], events.Select(e => e.Type));
        Assert.Equal(r1.ToEvent(1, "campaign").Json, events[0].Json);
        var found = await ledger.FindReceiptEventAsync(Domain.Transparency.ReceiptKeys.Report("project", "r2"));
        Assert.Equal(2, found!.Value.Event.Seq);
    }
}
