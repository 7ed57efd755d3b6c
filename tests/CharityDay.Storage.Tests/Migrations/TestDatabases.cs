using System.Data.Common;
using CharityDay.Storage.Migrations;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit;

namespace CharityDay.Storage.Tests.Migrations;

/// <summary>A SQLite database in a temporary file, deleted (with its WAL files) on dispose.</summary>
internal sealed class SqliteTestFile : IDisposable
{
    public SqliteTestFile()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"charityday-migrations-{Guid.NewGuid():N}.db");
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path }.ToString();
    }

    public string Path { get; }

    public string ConnectionString { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        using (var connection = new SqliteConnection(ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        foreach (var file in new[] { Path, Path + "-wal", Path + "-shm", Path + "-journal" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // Best effort: a temp file left behind is harmless.
            }
        }
    }
}

/// <summary>
/// A uniquely named database on the throwaway PostgreSQL server named by CHARITYDAY_TEST_POSTGRES
/// (an Npgsql connection string for a superuser), dropped on dispose.
/// </summary>
internal sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string EnvironmentVariable = "CHARITYDAY_TEST_POSTGRES";

    private readonly string _adminConnectionString;

    private PostgresTestDatabase(string adminConnectionString, string name, string connectionString)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var admin = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            Assert.Fail(
                $"{EnvironmentVariable} is not set. The PostgreSQL migration tests need an Npgsql connection string " +
                "for a superuser on a throwaway server, e.g. \"Host=127.0.0.1;Port=55432;Username=postgres;Password=...\"; " +
                "each test creates and drops its own database there.");
        }

        var name = $"cd_migrations_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new PostgresTestDatabase(admin!, name, builder.ConnectionString);
    }

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await using (var own = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(own);
        }

        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>Helpers that work on either engine through plain ADO.NET.</summary>
internal static class Db
{
    public static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<T?> ScalarAsync<T>(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Every row of a query, each rendered as one "|"-separated string.</summary>
    public static async Task<List<string>> RowsAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            var cells = new string[reader.FieldCount];
            for (var i = 0; i < reader.FieldCount; i++)
            {
                cells[i] = reader.IsDBNull(i) ? "<null>" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? "";
            }

            rows.Add(string.Join("|", cells));
        }

        return rows;
    }

    public static async Task<List<(int Version, string Name)>> AppliedAsync(DbConnection connection)
    {
        var rows = await RowsAsync(connection, "SELECT version, name FROM schema_migrations ORDER BY version");
        return rows.Select(r => r.Split('|')).Select(c => (int.Parse(c[0], System.Globalization.CultureInfo.InvariantCulture), c[1])).ToList();
    }

    /// <summary>The text of an embedded migration script, read straight from the storage assembly.</summary>
    public static string Script(string folder, int version, string name)
    {
        var resource = $"CharityDay.Storage.Migrations.{folder}.{version:D4}_{name}.sql";
        using var stream = typeof(MigrationRunner).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"No embedded resource {resource}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Builds a database as an older build of the runner would have left it: every known migration
    /// except the last <paramref name="missing"/> ones applied and recorded, without using the runner.
    /// </summary>
    public static async Task BuildBehindAsync(DbConnection connection, string dialect, string folder, int missing, string schemaMigrationsDdl)
    {
        await ExecuteAsync(connection, schemaMigrationsDdl);
        var known = MigrationRunner.Known(dialect);
        foreach (var (version, name) in known.Take(known.Count - missing))
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = Script(folder, version, name);
                await command.ExecuteNonQueryAsync();
            }

            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = $"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({version}, '{name}', '2020-01-01T00:00:00Z')";
                await record.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }
    }
}
