using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace CharityDay.Storage.Ledger;

/// <summary>The embedded profile's ledger: one SQLite file in WAL mode, fsync on every commit.</summary>
public sealed class SqliteLedgerStore(string connectionString) : SqlLedgerStore
{
    private const int SqliteConstraint = 19;

    private readonly SemaphoreSlim _writer = new(1, 1);

    public override string Dialect => "sqlite";

    protected override async ValueTask<IDisposable?> EnterWriteAsync(CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        return new Release(_writer);
    }

    private sealed class Release(SemaphoreSlim writer) : IDisposable
    {
        public void Dispose() => writer.Release();
    }

    protected override async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        // synchronous=FULL is per connection: without it a power cut could lose acknowledged rows.
        // A batch's rows land on index pages all over the file: with SQLite's default 2 MB cache each
        // commit re-read most of them. Checkpoints run in the background (SqliteWalCheckpointer), not
        // inside whichever commit crosses the WAL's size threshold.
        command.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=0;";
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
