using CharityDay.Storage.Migrations;
using Xunit;

namespace CharityDay.Storage.Tests.Migrations;

public sealed class SqliteMigrationTests
{
    private const string SchemaMigrationsDdl = """
        CREATE TABLE schema_migrations
        (
            version    INTEGER NOT NULL PRIMARY KEY,
            name       TEXT    NOT NULL,
            applied_at TEXT    NOT NULL
        );
        """;

    private const string SchemaQuery =
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND tbl_name <> 'schema_migrations' ORDER BY type, name";

    [Fact]
    public void Known_lists_the_orleans_script_first_in_version_order()
    {
        var known = MigrationRunner.Known("sqlite");

        Assert.Equal((1, "orleans_persistence"), known[0]);
        Assert.Equal(known.OrderBy(m => m.Version).ToList(), known.ToList());
        Assert.Equal(known.Count, known.Select(m => m.Version).Distinct().Count());
        Assert.Equal(known, MigrationRunner.Known("SQLite"));
        Assert.Throws<ArgumentException>(() => MigrationRunner.Known("oracle"));
    }

    [Fact]
    public async Task Fresh_database_gets_every_migration_and_the_orleans_queries()
    {
        using var db = new SqliteTestFile();

        var applied = await MigrationRunner.ApplySqliteAsync(db.ConnectionString);

        var known = MigrationRunner.Known("sqlite");
        Assert.Equal(known.Count, applied);
        using var connection = db.Open();
        Assert.Equal(known.ToList(), await Db.AppliedAsync(connection));
        Assert.Equal(
            ["ClearStorageKey", "DeleteStorageKey", "ReadFromStorageKey", "WriteToStorageKey"],
            await Db.RowsAsync(connection, "SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey"));
        Assert.Equal(0L, await Db.ScalarAsync<long>(connection, "SELECT COUNT(*) FROM OrleansStorage"));
        Assert.Equal("wal", await Db.ScalarAsync<string>(connection, "PRAGMA journal_mode"));
    }

    [Fact]
    public async Task Second_run_is_a_no_op()
    {
        using var db = new SqliteTestFile();
        await MigrationRunner.ApplySqliteAsync(db.ConnectionString);
        List<string> before;
        using (var connection = db.Open())
        {
            before = await Db.RowsAsync(connection, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version");
            before.AddRange(await Db.RowsAsync(connection, SchemaQuery));
        }

        var applied = await MigrationRunner.ApplySqliteAsync(db.ConnectionString);

        Assert.Equal(0, applied);
        using (var connection = db.Open())
        {
            var after = await Db.RowsAsync(connection, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version");
            after.AddRange(await Db.RowsAsync(connection, SchemaQuery));
            Assert.Equal(before, after);
        }
    }

    [Fact]
    public async Task Database_one_version_behind_gets_exactly_the_missing_one()
    {
        var known = MigrationRunner.Known("sqlite");
        using var fresh = new SqliteTestFile();
        using var behind = new SqliteTestFile();
        await MigrationRunner.ApplySqliteAsync(fresh.ConnectionString);
        using (var connection = behind.Open())
        {
            await Db.BuildBehindAsync(connection, "sqlite", "Sqlite", missing: 1, SchemaMigrationsDdl);
        }

        var applied = await MigrationRunner.ApplySqliteAsync(behind.ConnectionString);

        Assert.Equal(1, applied);
        using var upgraded = behind.Open();
        var rows = await Db.AppliedAsync(upgraded);
        Assert.Equal(known.ToList(), rows);
        Assert.Equal(
            ["2020-01-01T00:00:00Z"],
            (await Db.RowsAsync(upgraded, $"SELECT DISTINCT applied_at FROM schema_migrations WHERE version < {known[^1].Version}")));
        using var reference = fresh.Open();
        Assert.Equal(await Db.RowsAsync(reference, SchemaQuery), await Db.RowsAsync(upgraded, SchemaQuery));
    }

    [Fact]
    public async Task Concurrent_runs_apply_each_migration_once()
    {
        using var db = new SqliteTestFile();
        var known = MigrationRunner.Known("sqlite");

        var runs = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(_ => Task.Run(() => MigrationRunner.ApplySqliteAsync(db.ConnectionString))));

        Assert.Equal(known.Count, runs.Sum());
        using var connection = db.Open();
        Assert.Equal(known.ToList(), await Db.AppliedAsync(connection));
        Assert.Equal(4L, await Db.ScalarAsync<long>(connection, "SELECT COUNT(*) FROM OrleansQuery"));
    }
}
