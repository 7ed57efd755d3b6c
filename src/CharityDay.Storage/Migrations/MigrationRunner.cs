using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CharityDay.Storage.Migrations;

/// <summary>
/// Applies the project's own SQL migrations, embedded in this assembly as
/// <c>Migrations/{Sqlite|Postgres}/NNNN_name.sql</c>, in version order.
/// </summary>
/// <remarks>
/// <para>
/// Applied versions are recorded in <c>schema_migrations(version, name, applied_at)</c>. Each missing
/// version runs in its own transaction together with its <c>schema_migrations</c> row, so a failed
/// script leaves nothing behind and is retried by the next run. Scripts must therefore not contain
/// their own <c>BEGIN</c>/<c>COMMIT</c>.
/// </para>
/// <para>
/// Safe to run repeatedly and from several processes at once. PostgreSQL: the whole run holds a
/// session advisory lock (<see cref="PostgresAdvisoryLockKey"/>), so concurrent runners queue and the
/// later ones find nothing left to do. SQLite: each migration starts with <c>BEGIN IMMEDIATE</c> (the
/// database write lock) and re-checks <c>schema_migrations</c> under it.
/// </para>
/// <para>
/// A version that is already recorded is never re-run, even if its script changed: ship a change as a
/// new version.
/// </para>
/// </remarks>
public static partial class MigrationRunner
{
    /// <summary>Dialect name of the SQLite scripts (folder <c>Migrations/Sqlite</c>).</summary>
    public const string SqliteDialect = "sqlite";

    /// <summary>Dialect name of the PostgreSQL scripts (folder <c>Migrations/Postgres</c>).</summary>
    public const string PostgresDialect = "postgres";

    /// <summary>
    /// The single-bigint advisory lock key held by a PostgreSQL run ("CHARITYD" in ASCII). Orleans'
    /// storage script uses the two-int4 advisory lock form, which is a separate key space.
    /// </summary>
    public const long PostgresAdvisoryLockKey = 0x4348_4152_4954_5944;

    private static readonly ConcurrentDictionary<string, IReadOnlyList<Migration>> Cache = new(StringComparer.Ordinal);

    /// <summary>The migrations embedded for a dialect (<c>"sqlite"</c> or <c>"postgres"</c>), in version order.</summary>
    public static IReadOnlyList<(int Version, string Name)> Known(string dialect) =>
        Load(Folder(dialect)).Select(m => (m.Version, m.Name)).ToArray();

    /// <summary>Brings a SQLite database up to date. Returns how many migrations this call applied.</summary>
    public static async Task<int> ApplySqliteAsync(string connectionString, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var migrations = Load("Sqlite");

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);

        // WAL lets readers run while a writer commits; it is a persistent property of the database
        // file (an in-memory database just answers "memory"). It cannot be switched inside a transaction.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", ct);
        await ExecuteAsync(connection, null, """
            CREATE TABLE IF NOT EXISTS schema_migrations
            (
                version    INTEGER NOT NULL PRIMARY KEY,
                name       TEXT    NOT NULL,
                applied_at TEXT    NOT NULL
            );
            """, ct);

        var applied = await AppliedVersionsAsync(connection, null, ct);
        var count = 0;
        foreach (var migration in migrations)
        {
            if (applied.Contains(migration.Version))
            {
                continue;
            }

            // BEGIN IMMEDIATE takes the write lock now (waiting up to the connection's default timeout
            // while another writer holds it), so the check below cannot race another runner.
            await using var transaction = connection.BeginTransaction(deferred: false);
            if (await IsAppliedAsync(connection, transaction, migration.Version, ct))
            {
                await transaction.RollbackAsync(ct);
                continue;
            }

            await ExecuteScriptAsync(connection, transaction, migration, ct);
            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = """
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (@version, @name, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
                    """;
                record.Parameters.AddWithValue("@version", migration.Version);
                record.Parameters.AddWithValue("@name", migration.Name);
                await record.ExecuteNonQueryAsync(ct);
            }

            await transaction.CommitAsync(ct);
            count++;
        }

        return count;
    }

    /// <summary>Brings a PostgreSQL database up to date. Returns how many migrations this call applied.</summary>
    public static async Task<int> ApplyPostgresAsync(string connectionString, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var migrations = Load("Postgres");

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);

        try
        {
            // Wait (without a command timeout; the token still cancels) for any other runner to finish.
            // Inside the try: should a cancellation race the acquisition, the finally still unlocks
            // (unlocking a lock not held only earns a server warning).
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(@key);", connection))
            {
                lockCommand.CommandTimeout = 0;
                lockCommand.Parameters.AddWithValue("key", PostgresAdvisoryLockKey);
                await lockCommand.ExecuteNonQueryAsync(ct);
            }

            await ExecuteAsync(connection, null, """
                CREATE TABLE IF NOT EXISTS schema_migrations
                (
                    version    integer     NOT NULL PRIMARY KEY,
                    name       text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                );
                """, ct);

            var applied = await AppliedVersionsAsync(connection, null, ct);
            var count = 0;
            foreach (var migration in migrations)
            {
                if (applied.Contains(migration.Version))
                {
                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(ct);
                await ExecuteScriptAsync(connection, transaction, migration, ct);
                await using (var record = new NpgsqlCommand(
                    "INSERT INTO schema_migrations (version, name) VALUES (@version, @name);", connection, transaction))
                {
                    record.Parameters.AddWithValue("version", migration.Version);
                    record.Parameters.AddWithValue("name", migration.Name);
                    await record.ExecuteNonQueryAsync(ct);
                }

                await transaction.CommitAsync(ct);
                count++;
            }

            return count;
        }
        finally
        {
            // Not cancellable on purpose: a pooled connection must not keep the lock. (Should this fail
            // on a broken connection, the session, and with it the lock, is gone anyway.)
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key);", connection);
                unlock.Parameters.AddWithValue("key", PostgresAdvisoryLockKey);
                await unlock.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
    }

    private static async Task ExecuteScriptAsync(DbConnection connection, DbTransaction transaction, Migration migration, CancellationToken ct)
    {
        try
        {
            await ExecuteAsync(connection, transaction, migration.Sql, ct);
        }
        catch (DbException e)
        {
            throw new InvalidOperationException(
                $"Migration {migration.Version:D4}_{migration.Name} failed: {e.Message}", e);
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // The text is one of this assembly's own embedded scripts or a constant, never user input.
#pragma warning disable CA2100
        command.CommandText = sql;
#pragma warning restore CA2100
        if (command is NpgsqlCommand)
        {
            // Migrations may be slow (index builds); the token still cancels. SQLite keeps its
            // default timeout, which bounds how long it waits for another writer's lock.
            command.CommandTimeout = 0;
        }

        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<HashSet<int>> AppliedVersionsAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT version FROM schema_migrations;";
        var versions = new HashSet<int>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            versions.Add(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture));
        }

        return versions;
    }

    private static async Task<bool> IsAppliedAsync(DbConnection connection, DbTransaction transaction, int version, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COUNT(*) FROM schema_migrations WHERE version = @version;";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@version";
        parameter.Value = version;
        command.Parameters.Add(parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) > 0;
    }

    private static string Folder(string dialect)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        return dialect.Trim().ToLowerInvariant() switch
        {
            SqliteDialect => "Sqlite",
            PostgresDialect or "postgresql" => "Postgres",
            _ => throw new ArgumentException(
                $"Unknown migration dialect '{dialect}'. Use '{SqliteDialect}' or '{PostgresDialect}'.", nameof(dialect)),
        };
    }

    private static IReadOnlyList<Migration> Load(string folder) => Cache.GetOrAdd(folder, static folder =>
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var marker = $".Migrations.{folder}.";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var at = resource.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0 || !resource.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var fileName = resource[(at + marker.Length)..];
            var match = ScriptName().Match(fileName);
            if (!match.Success)
            {
                throw new InvalidOperationException(
                    $"Embedded migration '{resource}' is not named NNNN_name.sql (four digits, then letters, digits or '_').");
            }

            migrations.Add(new Migration(
                int.Parse(match.Groups["version"].Value, NumberStyles.None, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                ReadResource(assembly, resource)));
        }

        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException(
                $"Two {folder} migrations share version {duplicate.Key:D4}: {string.Join(", ", duplicate.Select(m => m.Name))}.");
        }

        return migrations.OrderBy(m => m.Version).ToArray();
    });

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded migration '{resource}' cannot be opened.");
        using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^(?<version>[0-9]{4})_(?<name>[A-Za-z0-9_]+)\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex ScriptName();

    private sealed record Migration(int Version, string Name, string Sql);
}
