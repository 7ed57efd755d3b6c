using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace CharityDay.Storage.Ledger;

/// <summary>The embedded profile's ledger: one SQLite file in WAL mode, fsync on every commit.</summary>
public sealed class SqliteLedgerStore(string connectionString) : SqlLedgerStore
{
    private const int SqliteConstraint = 19;

    public override string Dialect => "sqlite";

    protected override async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        // synchronous=FULL is per connection: without it a power cut could lose acknowledged rows.
        command.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;";
        await command.ExecuteNonQueryAsync(ct);
        return connection;
    }

    protected override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        // deferred: false is BEGIN IMMEDIATE: take the write lock up front instead of failing mid-batch.
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    protected override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteConstraint };

    public static string ConnectionStringFor(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
}
