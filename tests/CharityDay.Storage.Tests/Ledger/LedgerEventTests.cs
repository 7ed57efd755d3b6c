using CharityDay.Domain;
using CharityDay.Domain.Transparency;
using CharityDay.Storage.Ledger;
using CharityDay.Storage.Migrations;
using CharityDay.Storage.Tests.Migrations;
using Npgsql;
using Xunit;

namespace CharityDay.Storage.Tests.Ledger;

/// <summary>
/// SPEC §6 in storage, on both databases: events commit with their rows or not at all, follow the
/// campaign's last seq without a gap, a checkpoint is written once, and a changed or deleted stored
/// event fails the checkpoint that sealed it.
/// </summary>
public sealed class LedgerEventTests
{
    private const string Campaign = "c-events";

    private static LedgerDonation Donation(string id, string donor = "donor") => new(
        "partner", id, Campaign, "project", donor, 100, "CNY", null, null, null,
        DateTimeOffset.FromUnixTimeMilliseconds(1_788_000_000_000), DateOnly.FromDayNumber(1), "accepted", null, [new LedgerMatch("pool", 100, 10_000)]);

    private static LedgerEvent Accepted(long seq, LedgerDonation d) =>
        LedgerEvents.Accepted(seq, d.CampaignId, d.PartnerId, d.DonationId, d.ProjectId, d.DonorId, d.AmountFen, d.AcceptedAt,
            d.Matches.Select(m => new EventMatch(m.PoolId, m.AmountFen)));

    private static async Task AppendAsync(ILedgerStore ledger, long firstSeq, params string[] ids)
    {
        var donations = ids.Select(id => Donation(id)).ToList();
        await ledger.AppendAsync(donations, events: [.. donations.Select((d, i) => Accepted(firstSeq + i, d))]);
    }

    [Fact]
    public Task Sqlite_events_follow_the_last_seq_and_commit_with_their_rows() => LedgerDatabases.WithSqlite(EventsCommitWithRowsAsync);

    [Fact]
    public Task Postgres_events_follow_the_last_seq_and_commit_with_their_rows() => LedgerDatabases.WithPostgres(EventsCommitWithRowsAsync);

    private static async Task EventsCommitWithRowsAsync(ILedgerStore ledger)
    {
        Assert.Equal(0, await ledger.LastEventSeqAsync(Campaign));
        await AppendAsync(ledger, 1, "d1", "d2");
        Assert.Equal(2, await ledger.LastEventSeqAsync(Campaign));

        // A batch whose seqs do not follow is refused whole: neither its rows nor its events are written.
        await Assert.ThrowsAsync<EventSequenceException>(() => AppendAsync(ledger, 4, "d3"));
        await Assert.ThrowsAsync<EventSequenceException>(() => AppendAsync(ledger, 2, "d3"));
        Assert.Null(await ledger.GetAsync(new DonationKey("partner", "d3")));
        // A batch refused for a duplicate donation leaves no event either.
        await Assert.ThrowsAsync<DuplicateDonationException>(() => AppendAsync(ledger, 3, "d4", "d1"));
        Assert.Equal(2, await ledger.LastEventSeqAsync(Campaign));

        // Refund and clawback events ride in their own transactions, only when something happened.
        var refund = LedgerEvents.Refunded(3, Campaign, "partner", "d1", "project", 100, DateTimeOffset.UnixEpoch, [new EventMatch("pool", 100)]);
        Assert.True(await ledger.RefundAsync(new DonationKey("partner", "d1"), DateTimeOffset.UnixEpoch, refundEvent: refund));
        Assert.False(await ledger.RefundAsync(new DonationKey("partner", "d1"), DateTimeOffset.UnixEpoch,
            refundEvent: refund with { Seq = 4 }));
        var reversed = await ledger.ClawbackAsync(Campaign, "pool", "donor", "script", "key", DateTimeOffset.UnixEpoch,
            ledgerEvent: matches => LedgerEvents.Clawback(4, Campaign, "pool", DateTimeOffset.UnixEpoch,
                [.. matches.Select(m => new EventReversal(m.PartnerId, m.DonationId, m.ProjectId, m.AmountFen))]));
        Assert.Single(reversed);

        var events = await ledger.ReadEventsAsync(Campaign, 1, 100);
        Assert.Equal([1L, 2, 3, 4], events.Select(e => e.Seq));
        Assert.Equal(["accepted", "accepted", "refunded", "clawback"], events.Select(e => e.Type));
        Assert.Equal(refund.Json, events[2].Json);
        var found = await ledger.FindReceiptEventAsync(ReceiptKeys.Donation("partner", "d2"));
        Assert.Equal((Campaign, 2L), (found!.Value.CampaignId, found.Value.Event.Seq));
        Assert.Null(await ledger.FindReceiptEventAsync(ReceiptKeys.Donation("partner", "d3")));
    }

    [Fact]
    public Task Sqlite_a_checkpoint_is_written_once_and_a_tampered_event_fails_its_checkpoint() => LedgerDatabases.WithSqlite(CheckpointsAsync);

    [Fact]
    public Task Postgres_a_checkpoint_is_written_once_and_a_tampered_event_fails_its_checkpoint() => LedgerDatabases.WithPostgres(CheckpointsAsync);

    private static async Task CheckpointsAsync(ILedgerStore ledger)
    {
        await AppendAsync(ledger, 1, "a1", "a2", "a3");
        var first = CheckpointChain.Seal(null, await ledger.ReadEventsAsync(Campaign, 1, 3), DateTimeOffset.FromUnixTimeMilliseconds(1000));
        Assert.True(await ledger.InsertCheckpointAsync(Campaign, first));
        // The same seq again, even over other events, is refused: sealed once, never re-sealed differently.
        await AppendAsync(ledger, 4, "a4", "a5");
        var rival = CheckpointChain.Seal(null, await ledger.ReadEventsAsync(Campaign, 1, 5), DateTimeOffset.FromUnixTimeMilliseconds(2000));
        Assert.False(await ledger.InsertCheckpointAsync(Campaign, rival));
        var second = CheckpointChain.Seal(first, await ledger.ReadEventsAsync(Campaign, 4, 5), DateTimeOffset.FromUnixTimeMilliseconds(3000));
        Assert.True(await ledger.InsertCheckpointAsync(Campaign, second));

        Assert.Equal([first, second], await ledger.ListCheckpointsAsync(Campaign, 0, 10));
        Assert.Equal([second], await ledger.ListCheckpointsAsync(Campaign, 1, 10));
        Assert.Equal(second, await ledger.LastCheckpointAsync(Campaign));
        Assert.Equal(first, await ledger.CheckpointOfEventAsync(Campaign, 3));
        Assert.Equal(second, await ledger.CheckpointOfEventAsync(Campaign, 4));
        Assert.Null(await ledger.CheckpointOfEventAsync(Campaign, 6));

        var check = await LedgerProofCheck.CheckAsync(ledger, Campaign);
        Assert.True(check.Holds, check.Reason);
        Assert.Equal((2L, 5L, 0L), (check.Checkpoints, check.EventsSealed, check.UnsealedEvents));
    }

    [Fact]
    public async Task Sqlite_changing_one_byte_or_deleting_one_event_fails_verification_at_its_checkpoint()
    {
        using var file = new SqliteTestFile();
        await MigrationRunner.ApplySqliteAsync(file.ConnectionString);
        await TamperingAsync(new SqliteLedgerStore(file.ConnectionString), async sql =>
        {
            using var connection = file.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        });
    }

    [Fact]
    public async Task Postgres_changing_one_byte_or_deleting_one_event_fails_verification_at_its_checkpoint()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await MigrationRunner.ApplyPostgresAsync(database.ConnectionString);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await TamperingAsync(new PostgresLedgerStore(dataSource), async sql =>
        {
            await using var command = dataSource.CreateCommand(sql);
            await command.ExecuteNonQueryAsync();
        });
    }

    /// <summary>Three checkpoints of 3, 4 and 2 events; an event of the middle one is changed (one byte), then another deleted.</summary>
    private static async Task TamperingAsync(ILedgerStore ledger, Func<string, Task> sql)
    {
        Checkpoint? last = null;
        var seq = 1;
        foreach (var size in new[] { 3, 4, 2 })
        {
            await AppendAsync(ledger, seq, [.. Enumerable.Range(seq, size).Select(i => $"t{i}")]);
            last = CheckpointChain.Seal(last, await ledger.ReadEventsAsync(Campaign, seq, seq + size - 1), DateTimeOffset.UnixEpoch);
            Assert.True(await ledger.InsertCheckpointAsync(Campaign, last));
            seq += size;
        }
        Assert.True((await LedgerProofCheck.CheckAsync(ledger, Campaign)).Holds);

        // One byte: the amount 100 becomes 900 in event 5 (checkpoint 2 holds events 4–7).
        await sql($"UPDATE ledger_events SET body = REPLACE(body, '\"amount\":100,\"campaignId\"', '\"amount\":900,\"campaignId\"') WHERE campaign_id = '{Campaign}' AND seq = 5");
        Assert.Contains("\"amount\":900,", (await ledger.ReadEventsAsync(Campaign, 5, 5))[0].Json, StringComparison.Ordinal);
        var changed = await LedgerProofCheck.CheckAsync(ledger, Campaign);
        Assert.Equal(2L, changed.FailedCheckpoint);
        Assert.Contains("changed", changed.Reason, StringComparison.Ordinal);

        await sql($"UPDATE ledger_events SET body = REPLACE(body, '\"amount\":900,', '\"amount\":100,') WHERE campaign_id = '{Campaign}' AND seq = 5");
        Assert.True((await LedgerProofCheck.CheckAsync(ledger, Campaign)).Holds);

        await sql($"DELETE FROM ledger_events WHERE campaign_id = '{Campaign}' AND seq = 8");
        var deleted = await LedgerProofCheck.CheckAsync(ledger, Campaign);
        Assert.Equal(3L, deleted.FailedCheckpoint);
        Assert.Contains("missing", deleted.Reason, StringComparison.Ordinal);
    }
}
