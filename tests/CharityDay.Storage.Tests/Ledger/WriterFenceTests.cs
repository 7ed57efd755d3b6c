using CharityDay.Domain.Writing;
using CharityDay.Domain;
using CharityDay.Storage.Ledger;
using CharityDay.Storage.Migrations;
using CharityDay.Storage.Tests.Migrations;
using Npgsql;
using Xunit;

namespace CharityDay.Storage.Tests.Ledger;

/// <summary>
/// Two activations of one campaign (possible while a cluster disagrees about a dead silo) must not
/// both write: the newer claim fences the older writer out, on both databases.
/// </summary>
public sealed class WriterFenceTests
{
    private static LedgerDonation Donation(string id) => new(
        "partner", id, "campaign", "project", "donor", 100, "CNY", null, null, null,
        DateTimeOffset.UnixEpoch, DateOnly.FromDayNumber(1), "accepted", null, [new LedgerMatch("pool", 100, 10_000)]);

    [Fact]
    public async Task Sqlite_newer_claim_fences_out_the_older_writer()
    {
        using var file = new SqliteTestFile();
        await MigrationRunner.ApplySqliteAsync(file.ConnectionString);
        await AssertFencingAsync(new SqliteLedgerStore(file.ConnectionString));
    }

    [Fact]
    public async Task Postgres_newer_claim_fences_out_the_older_writer()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await MigrationRunner.ApplyPostgresAsync(database.ConnectionString);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await AssertFencingAsync(new PostgresLedgerStore(dataSource));
    }

    private static async Task AssertFencingAsync(ILedgerStore ledger)
    {
        var old = await ledger.ClaimWriterAsync("campaign");
        await ledger.AppendAsync([Donation("d1")], old);

        var newer = await ledger.ClaimWriterAsync("campaign");
        Assert.True(newer.Epoch > old.Epoch, $"expected a higher epoch than {old.Epoch}, got {newer.Epoch}");

        await Assert.ThrowsAsync<FencedOutException>(() => ledger.AppendAsync([Donation("d2")], old));
        await Assert.ThrowsAsync<FencedOutException>(() => ledger.RefundAsync(new DonationKey("partner", "d1"), DateTimeOffset.UnixEpoch, old));
        Assert.Null(await ledger.GetAsync(new DonationKey("partner", "d2")));
        Assert.Equal("accepted", (await ledger.GetAsync(new DonationKey("partner", "d1")))!.Status);

        await ledger.AppendAsync([Donation("d3")], newer);
        Assert.NotNull(await ledger.GetAsync(new DonationKey("partner", "d3")));
    }

    [Fact]
    public async Task Sqlite_a_second_donation_with_the_same_id_is_refused_by_the_ledger()
    {
        using var file = new SqliteTestFile();
        await MigrationRunner.ApplySqliteAsync(file.ConnectionString);
        var ledger = new SqliteLedgerStore(file.ConnectionString);
        await ledger.AppendAsync([Donation("d1")]);
        await Assert.ThrowsAsync<DuplicateDonationException>(() => ledger.AppendAsync([Donation("d2"), Donation("d1")]));
        Assert.Null(await ledger.GetAsync(new DonationKey("partner", "d2")));
    }
}
