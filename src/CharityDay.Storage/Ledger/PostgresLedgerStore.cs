using System.Data.Common;
using Npgsql;

namespace CharityDay.Storage.Ledger;

/// <summary>The production profile's ledger on PostgreSQL, shared by every silo.</summary>
public sealed class PostgresLedgerStore(NpgsqlDataSource dataSource) : SqlLedgerStore
{
    public override string Dialect => "postgres";

    protected override async Task<DbConnection> OpenAsync(CancellationToken ct) => await dataSource.OpenConnectionAsync(ct);

    protected override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(ct);

    protected override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
