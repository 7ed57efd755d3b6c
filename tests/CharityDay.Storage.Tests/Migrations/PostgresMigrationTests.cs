using CharityDay.Storage.Migrations;
using Npgsql;
using Xunit;

namespace CharityDay.Storage.Tests.Migrations;

/// <summary>
/// Runs against the server named by CHARITYDAY_TEST_POSTGRES and fails (does not skip) without it.
/// </summary>
public sealed class PostgresMigrationTests
{
    private const string SchemaMigrationsDdl = """
        CREATE TABLE schema_migrations
        (
            version    integer     NOT NULL PRIMARY KEY,
            name       text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        """;

    private static readonly string[] SchemaQueries =
    [
        """
        SELECT table_name, column_name, data_type, is_nullable, coalesce(column_default, '')
        FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name <> 'schema_migrations'
        ORDER BY table_name, column_name
        """,
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY indexname",
        "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace ORDER BY p.proname",
        "SELECT querykey, querytext FROM orleansquery ORDER BY querykey",
    ];

    [Fact]
    public void Known_lists_main_clustering_and_persistence_first()
    {
        var known = MigrationRunner.Known("postgres");

        Assert.Equal([(1, "orleans_main"), (2, "orleans_clustering"), (3, "orleans_persistence")], known.Take(3).ToList());
        Assert.Equal(known.OrderBy(m => m.Version).ToList(), known.ToList());
        Assert.Equal(known, MigrationRunner.Known("PostgreSQL"));
    }

    [Fact]
    public async Task Fresh_database_gets_every_migration_and_the_orleans_queries()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();

        var applied = await MigrationRunner.ApplyPostgresAsync(db.ConnectionString);

        var known = MigrationRunner.Known("postgres");
        Assert.Equal(known.Count, applied);
        await using var connection = await db.OpenAsync();
        Assert.Equal(known.ToList(), await Db.AppliedAsync(connection));
        Assert.Equal(
            [
                "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey", "ClearStorageKey", "DeleteMembershipTableEntriesKey",
                "DeleteStorageKey", "GatewaysQueryKey", "InsertMembershipKey", "InsertMembershipVersionKey", "MembershipReadAllKey",
                "MembershipReadRowKey", "ReadFromStorageKey", "UpdateIAmAlivetimeKey", "UpdateMembershipKey", "WriteToStorageKey",
            ],
            await Db.RowsAsync(connection, "SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey COLLATE \"C\""));
        // The lock is released when the run ends.
        Assert.Equal(0L, await Db.ScalarAsync<long>(connection,
            $"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1 " +
            $"AND objid = {MigrationRunner.PostgresAdvisoryLockKey & 0xFFFFFFFF} " +
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
    }

    [Fact]
    public async Task Second_run_is_a_no_op()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await MigrationRunner.ApplyPostgresAsync(db.ConnectionString);
        await using var connection = await db.OpenAsync();
        var before = await SnapshotAsync(connection, withAppliedAt: true);

        var applied = await MigrationRunner.ApplyPostgresAsync(db.ConnectionString);

        Assert.Equal(0, applied);
        Assert.Equal(before, await SnapshotAsync(connection, withAppliedAt: true));
    }

    [Fact]
    public async Task Database_one_version_behind_gets_exactly_the_missing_one()
    {
        var known = MigrationRunner.Known("postgres");
        await using var fresh = await PostgresTestDatabase.CreateAsync();
        await using var behind = await PostgresTestDatabase.CreateAsync();
        await MigrationRunner.ApplyPostgresAsync(fresh.ConnectionString);
        await using (var connection = await behind.OpenAsync())
        {
            await Db.BuildBehindAsync(connection, "postgres", "Postgres", missing: 1, SchemaMigrationsDdl);
            Assert.Equal(known.Count - 1, (await Db.AppliedAsync(connection)).Count);
        }

        var applied = await MigrationRunner.ApplyPostgresAsync(behind.ConnectionString);

        Assert.Equal(1, applied);
        await using var upgraded = await behind.OpenAsync();
        await using var reference = await fresh.OpenAsync();
        Assert.Equal(known.ToList(), await Db.AppliedAsync(upgraded));
        Assert.Equal(await SnapshotAsync(reference, withAppliedAt: false), await SnapshotAsync(upgraded, withAppliedAt: false));
    }

    [Fact]
    public async Task Concurrent_runs_apply_each_migration_once()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        var known = MigrationRunner.Known("postgres");

        var runs = await Task.WhenAll(Enumerable.Range(0, 6)
            .Select(_ => Task.Run(() => MigrationRunner.ApplyPostgresAsync(db.ConnectionString))));

        Assert.Equal(known.Count, runs.Sum());
        await using var connection = await db.OpenAsync();
        Assert.Equal(known.ToList(), await Db.AppliedAsync(connection));
    }

    [Fact]
    public async Task A_run_waits_for_the_advisory_lock_held_by_another_runner()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var holder = await db.OpenAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({MigrationRunner.PostgresAdvisoryLockKey})", holder))
        {
            await take.ExecuteNonQueryAsync();
        }

        var run = MigrationRunner.ApplyPostgresAsync(db.ConnectionString);
        await Task.Delay(500);
        Assert.False(run.IsCompleted);
        Assert.Equal(0L, await Db.ScalarAsync<long>(holder,
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"));

        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({MigrationRunner.PostgresAdvisoryLockKey})", holder))
        {
            await release.ExecuteNonQueryAsync();
        }

        Assert.Equal(MigrationRunner.Known("postgres").Count, await run.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_run_waiting_for_the_lock_can_be_cancelled_and_leaves_nothing_behind()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var holder = await db.OpenAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({MigrationRunner.PostgresAdvisoryLockKey})", holder))
        {
            await take.ExecuteNonQueryAsync();
        }

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => MigrationRunner.ApplyPostgresAsync(db.ConnectionString, cancel.Token));

        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({MigrationRunner.PostgresAdvisoryLockKey})", holder))
        {
            await release.ExecuteNonQueryAsync();
        }

        var applied = await MigrationRunner.ApplyPostgresAsync(db.ConnectionString).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(MigrationRunner.Known("postgres").Count, applied);
    }

    private static async Task<List<string>> SnapshotAsync(NpgsqlConnection connection, bool withAppliedAt)
    {
        var rows = new List<string>();
        if (withAppliedAt)
        {
            rows.AddRange(await Db.RowsAsync(connection, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version"));
        }

        foreach (var query in SchemaQueries)
        {
            rows.AddRange(await Db.RowsAsync(connection, query));
        }

        return rows;
    }
}
