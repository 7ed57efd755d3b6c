using System.Data.Common;
using CharityDay.Domain.Audit;
using CharityDay.Domain.Writing;
using CharityDay.Storage.Ledger;
using CharityDay.Storage.Migrations;
using CharityDay.Storage.Tests.Migrations;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit;

namespace CharityDay.Storage.Tests.Admin;

/// <summary>
/// SPEC §4 "Safe administration" at the store: a change, its audit entry and its Idempotency-Key
/// answer commit together or not at all, the chain numbers entries in commit order, and a fenced-out
/// activation cannot change a campaign's settings — on both databases.
/// </summary>
public sealed class AdminStoreTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Databases => new() { "sqlite", "postgres" };

    private static SettingWrite Pool(string id, long budget, string? believed) =>
        new("pool", id, "c1", $$"""{"PoolId":"{{id}}","BudgetFen":{{budget}}}""", $"\"etag-{budget}\"", believed);

    private static AuditDraft Audit(string action, string target) => new(At, "k1", action, target, "c1", null, """{"budget":1}""");

    private static StoredAnswer Answer(string key, string hash = "h") => new("k1", key, hash, 200, """{"ok":true}""", "\"e\"", At);

    [Theory, MemberData(nameof(Databases))]
    public async Task A_change_its_entry_and_its_answer_commit_together(string database) => await WithStore(database, async (store, _) =>
    {
        var outcome = await store.CommitAdminAsync(new AdminCommit([Pool("p1", 100, null)], Audit("pool.create", "pool/p1"), Answer("i1")));

        Assert.Equal(AdminCommitResult.Committed, outcome.Result);
        Assert.Equal(1, outcome.Entry!.Seq);
        Assert.Equal("\"etag-100\"", (await store.GetSettingAsync("pool", "p1"))!.ETag);
        Assert.Equal(200, (await store.FindAnswerAsync("k1", "i1"))!.Status);
        Assert.Null(await store.FindAnswerAsync("k2", "i1"));
        Assert.Equal((1L, outcome.Entry.Hash), await store.AuditHeadAsync());
        Assert.Equal(AuditChain.GenesisHash, outcome.Entry.PrevHash);
    });

    [Theory, MemberData(nameof(Databases))]
    public async Task A_reused_idempotency_key_writes_nothing(string database) => await WithStore(database, async (store, _) =>
    {
        await store.CommitAdminAsync(new AdminCommit([Pool("p1", 100, null)], Audit("pool.create", "pool/p1"), Answer("i1")));
        var head = await store.AuditHeadAsync();

        var again = await store.CommitAdminAsync(new AdminCommit([Pool("p1", 200, "\"etag-100\"")], Audit("pool.patch", "pool/p1"), Answer("i1")));

        Assert.Equal(AdminCommitResult.AnswerExists, again.Result);
        Assert.Equal("\"etag-100\"", (await store.GetSettingAsync("pool", "p1"))!.ETag);
        Assert.Equal(head, await store.AuditHeadAsync());
    });

    [Theory, MemberData(nameof(Databases))]
    public async Task A_writer_whose_memory_is_stale_writes_nothing(string database) => await WithStore(database, async (store, _) =>
    {
        await store.CommitAdminAsync(new AdminCommit([Pool("p1", 100, null)], Audit("pool.create", "pool/p1"), null));

        var stale = await store.CommitAdminAsync(new AdminCommit([Pool("p1", 300, "\"etag-999\"")], Audit("pool.patch", "pool/p1"), Answer("i2")));
        var recreate = await store.CommitAdminAsync(new AdminCommit([Pool("p1", 300, null)], Audit("pool.create", "pool/p1"), null));

        Assert.Equal(AdminCommitResult.Stale, stale.Result);
        Assert.Equal(AdminCommitResult.Stale, recreate.Result);
        Assert.Equal("\"etag-100\"", (await store.GetSettingAsync("pool", "p1"))!.ETag);
        Assert.Null(await store.FindAnswerAsync("k1", "i2"));
        Assert.Equal(1L, (await store.AuditHeadAsync()).Seq);
    });

    /// <summary>The fence/PATCH gap of docs/design.md: an older activation's pool change is refused, whole.</summary>
    [Theory, MemberData(nameof(Databases))]
    public async Task An_older_activation_cannot_change_the_campaigns_settings(string database) => await WithStore(database, async (store, _) =>
    {
        var older = await store.ClaimWriterAsync("c1");
        await store.CommitAdminAsync(new AdminCommit([Pool("p1", 100, null)], Audit("pool.create", "pool/p1"), null), older);
        var newer = await store.ClaimWriterAsync("c1");

        await Assert.ThrowsAsync<FencedOutException>(() =>
            store.CommitAdminAsync(new AdminCommit([Pool("p1", 500, "\"etag-100\"")], Audit("pool.patch", "pool/p1"), Answer("i3")), older));

        Assert.Equal("\"etag-100\"", (await store.GetSettingAsync("pool", "p1"))!.ETag);
        Assert.Null(await store.FindAnswerAsync("k1", "i3"));
        Assert.Equal(1L, (await store.AuditHeadAsync()).Seq);
        var committed = await store.CommitAdminAsync(new AdminCommit([Pool("p1", 500, "\"etag-100\"")], Audit("pool.patch", "pool/p1"), null), newer);
        Assert.Equal(AdminCommitResult.Committed, committed.Result);
    });

    /// <summary>A failure while the entry is written (here: its seq is taken) leaves no change without its entry.</summary>
    [Theory, MemberData(nameof(Databases))]
    public async Task A_failed_audit_entry_leaves_no_change(string database) => await WithStore(database, async (store, execute) =>
    {
        await store.CommitAdminAsync(new AdminCommit([Pool("p1", 100, null)], Audit("pool.create", "pool/p1"), null));
        await execute("UPDATE audit_head SET seq = 0");

        await Assert.ThrowsAnyAsync<DbException>(() =>
            store.CommitAdminAsync(new AdminCommit([Pool("p2", 100, null)], Audit("pool.create", "pool/p2"), Answer("i4"))));

        Assert.Null(await store.GetSettingAsync("pool", "p2"));
        Assert.Null(await store.FindAnswerAsync("k1", "i4"));
    });

    [Theory, MemberData(nameof(Databases))]
    public async Task Concurrent_writers_form_one_unbroken_chain_in_commit_order(string database) => await WithStore(database, async (store, _) =>
    {
        const int writers = 8, each = 10;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < each; i++)
            {
                var outcome = await store.CommitAdminAsync(new AdminCommit([Pool($"w{w}-{i}", i, null)], Audit("pool.create", $"pool/w{w}-{i}"), null));
                Assert.Equal(AdminCommitResult.Committed, outcome.Result);
            }
        })));

        var entries = new List<AuditRecord>();
        await foreach (var entry in store.ReadAuditChainAsync())
        {
            entries.Add(entry);
        }
        Assert.Equal(Enumerable.Range(1, writers * each).Select(i => (long)i), entries.Select(e => e.Seq));
        var prev = AuditChain.GenesisHash;
        foreach (var entry in entries)
        {
            Assert.Equal(prev, entry.PrevHash);
            Assert.Equal(AuditChain.Hash(entry), entry.Hash);
            prev = entry.Hash;
        }
        Assert.Equal(prev, (await store.AuditHeadAsync()).Hash);
    });

    private static async Task WithStore(string database, Func<SqlLedgerStore, Func<string, Task>, Task> check)
    {
        if (database == "sqlite")
        {
            using var file = new SqliteTestFile();
            await MigrationRunner.ApplySqliteAsync(file.ConnectionString);
            await check(new SqliteLedgerStore(file.ConnectionString), async sql =>
            {
                await using var connection = new SqliteConnection(file.ConnectionString);
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                await command.ExecuteNonQueryAsync();
            });
            return;
        }
        await using var postgres = await PostgresTestDatabase.CreateAsync();
        await MigrationRunner.ApplyPostgresAsync(postgres.ConnectionString);
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        await check(new PostgresLedgerStore(dataSource), async sql =>
        {
            await using var command = dataSource.CreateCommand(sql);
            await command.ExecuteNonQueryAsync();
        });
    }
}
