using CharityDay.Storage.Ledger;
using CharityDay.Storage.Migrations;
using CharityDay.Storage.Tests.Migrations;
using Npgsql;

namespace CharityDay.Storage.Tests.Ledger;

/// <summary>A migrated, throwaway ledger on each database, for checks that must hold on both.</summary>
internal static class LedgerDatabases
{
    public static async Task WithSqlite(Func<ILedgerStore, Task> check)
    {
        using var file = new SqliteTestFile();
        await MigrationRunner.ApplySqliteAsync(file.ConnectionString);
        await check(new SqliteLedgerStore(file.ConnectionString));
    }

    public static async Task WithPostgres(Func<ILedgerStore, Task> check)
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await MigrationRunner.ApplyPostgresAsync(database.ConnectionString);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await check(new PostgresLedgerStore(dataSource));
    }
}
