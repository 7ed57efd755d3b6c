using System.Data.Common;
using CharityDay.Storage.Migrations;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit;

namespace CharityDay.Storage.Tests.Migrations;

/// <summary>
/// The grain-storage queries of the migrated schema, driven the way Orleans 10.4.2's
/// AdoNetGrainStorage drives them (see <see cref="GrainStorageEmulator"/>).
/// </summary>
public abstract class OrleansStorageContractTests : IAsyncLifetime
{
    private static readonly byte[] A = [1, 2, 3];
    private static readonly byte[] B = [4, 5];
    private static readonly byte[] C = [6];

    private GrainStorageEmulator _storage = null!;

    protected abstract Task<Func<DbConnection>> CreateMigratedDatabaseAsync();

    protected abstract Task DropDatabaseAsync();

    public async Task InitializeAsync() => _storage = await GrainStorageEmulator.InitAsync(await CreateMigratedDatabaseAsync());

    public Task DisposeAsync() => DropDatabaseAsync();

    private static GrainKey Key(string? extension = "donor-1", string service = "charityday", long n1 = 7) =>
        new(IdHash: 12345, N0: 0, N1: n1, TypeHash: -987, Type: "charityday.donor", Extension: extension, ServiceId: service);

    [Fact]
    public async Task Reading_a_grain_never_written_gives_no_state_and_no_etag()
    {
        await AssertStateAsync(Key(), null, null, false);
    }

    [Fact]
    public async Task Versions_start_at_one_and_advance_by_one_per_write()
    {
        var key = Key();

        Assert.Equal("1", await _storage.WriteAsync(key, null, A));
        await AssertStateAsync(key, A, "1", true);

        Assert.Equal("2", await _storage.WriteAsync(key, "1", B));
        Assert.Equal("3", await _storage.WriteAsync(key, "2", C));
        await AssertStateAsync(key, C, "3", true);
    }

    [Fact]
    public async Task A_stale_etag_is_a_conflict_and_changes_nothing()
    {
        var key = Key();
        await _storage.WriteAsync(key, null, A);
        await _storage.WriteAsync(key, "1", B);

        await Assert.ThrowsAsync<VersionConflictException>(() => _storage.WriteAsync(key, "1", C));
        await Assert.ThrowsAsync<VersionConflictException>(() => _storage.WriteAsync(key, "5", C));

        await AssertStateAsync(key, B, "2", true);
    }

    [Fact]
    public async Task A_first_write_over_an_existing_row_is_a_conflict()
    {
        var key = Key();
        await _storage.WriteAsync(key, null, A);

        await Assert.ThrowsAsync<VersionConflictException>(() => _storage.WriteAsync(key, null, B));
        Assert.Equal(A, (await _storage.ReadAsync(key)).Payload);
    }

    [Fact]
    public async Task Clear_keeps_the_version_sequence_and_the_next_write_continues_it()
    {
        var key = Key();
        await _storage.WriteAsync(key, null, A);
        await _storage.WriteAsync(key, "1", B);

        Assert.Equal("3", await _storage.ClearAsync(key, "2"));
        await AssertStateAsync(key, null, "3", false);
        await Assert.ThrowsAsync<VersionConflictException>(() => _storage.ClearAsync(key, "2"));

        Assert.Equal("4", await _storage.WriteAsync(key, "3", C));
        await AssertStateAsync(key, C, "4", true);
    }

    [Fact]
    public async Task Delete_removes_the_row_and_the_grain_starts_again_from_no_version()
    {
        var key = Key();
        await _storage.WriteAsync(key, null, A);

        await Assert.ThrowsAsync<VersionConflictException>(() => _storage.DeleteAsync(key, "7"));
        await _storage.DeleteAsync(key, "1");

        await AssertStateAsync(key, null, null, false);
        Assert.Equal("1", await _storage.WriteAsync(key, null, B));
    }

    [Fact]
    public async Task Grains_differing_only_in_extension_service_or_id_are_separate()
    {
        await _storage.WriteAsync(Key(extension: null), null, A);
        await _storage.WriteAsync(Key(extension: "x"), null, B);
        await _storage.WriteAsync(Key(service: "other"), null, C);
        await _storage.WriteAsync(Key(n1: 8), null, C);

        Assert.Equal(A, (await _storage.ReadAsync(Key(extension: null))).Payload);
        Assert.Equal(B, (await _storage.ReadAsync(Key(extension: "x"))).Payload);
        Assert.Equal(C, (await _storage.ReadAsync(Key(service: "other"))).Payload);
        Assert.Null((await _storage.ReadAsync(Key())).Payload);
        Assert.Equal("2", await _storage.WriteAsync(Key(extension: null), "1", B));
        Assert.Equal(B, (await _storage.ReadAsync(Key(extension: "x"))).Payload);
    }

    [Fact]
    public async Task Racing_writers_with_the_same_etag_let_exactly_one_win()
    {
        var first = Key(extension: "race-first");
        var next = Key(extension: "race-next");
        await _storage.WriteAsync(next, null, A);

        var firstWrites = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Outcome(() => _storage.WriteAsync(first, null, [(byte)i]))));
        var nextWrites = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Outcome(() => _storage.WriteAsync(next, "1", [(byte)i]))));

        Assert.Equal(["1"], firstWrites.Where(v => v is not null));
        Assert.Equal(["2"], nextWrites.Where(v => v is not null));
        Assert.Equal("1", (await _storage.ReadAsync(first)).ETag);
        Assert.Equal("2", (await _storage.ReadAsync(next)).ETag);
        Assert.Equal(2L, await CountRowsAsync());

        static async Task<string?> Outcome(Func<Task<string>> write)
        {
            await Task.Yield();
            try
            {
                return await Task.Run(write);
            }
            catch (VersionConflictException)
            {
                return null;
            }
        }
    }

    protected abstract Task<long> CountRowsAsync();

    private async Task AssertStateAsync(GrainKey key, byte[]? payload, string? etag, bool recordExists)
    {
        var state = await _storage.ReadAsync(key);
        Assert.Equal(payload, state.Payload);
        Assert.Equal(etag, state.ETag);
        Assert.Equal(recordExists, state.RecordExists);
    }
}

public sealed class SqliteOrleansStorageContractTests : OrleansStorageContractTests
{
    private readonly SqliteTestFile _db = new();

    protected override async Task<Func<DbConnection>> CreateMigratedDatabaseAsync()
    {
        await MigrationRunner.ApplySqliteAsync(_db.ConnectionString);
        return () => new SqliteConnection(_db.ConnectionString);
    }

    protected override Task DropDatabaseAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    protected override async Task<long> CountRowsAsync()
    {
        using var connection = _db.Open();
        return await Db.ScalarAsync<long>(connection, "SELECT COUNT(*) FROM OrleansStorage");
    }
}

public sealed class PostgresOrleansStorageContractTests : OrleansStorageContractTests
{
    private PostgresTestDatabase? _db;

    protected override async Task<Func<DbConnection>> CreateMigratedDatabaseAsync()
    {
        _db = await PostgresTestDatabase.CreateAsync();
        await MigrationRunner.ApplyPostgresAsync(_db.ConnectionString);
        var connectionString = _db.ConnectionString;
        return () => new NpgsqlConnection(connectionString);
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }

    protected override async Task<long> CountRowsAsync()
    {
        await using var connection = await _db!.OpenAsync();
        return await Db.ScalarAsync<long>(connection, "SELECT COUNT(*) FROM OrleansStorage");
    }

    [Fact]
    public async Task First_writes_overlapping_in_open_transactions_cannot_both_insert()
    {
        // Under READ COMMITTED a plain INSERT ... WHERE NOT EXISTS would let both in: neither sees the
        // other's uncommitted row. The advisory lock on the hash pair makes the second one wait and
        // then see the first one's row.
        await using var first = await _db!.OpenAsync();
        await using var second = await _db.OpenAsync();
        var write = await Db.ScalarAsync<string>(first, "SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'WriteToStorageKey'");
        await using var firstTx = await first.BeginTransactionAsync();
        await using var secondTx = await second.BeginTransactionAsync();

        Assert.Equal(1, await WriteAsync(first, firstTx, write!));
        var blocked = WriteAsync(second, secondTx, write!);
        await Task.Delay(300);
        Assert.False(blocked.IsCompleted);
        await firstTx.CommitAsync();

        Assert.Null(await blocked.WaitAsync(TimeSpan.FromSeconds(30)));
        await secondTx.CommitAsync();
        Assert.Equal(1L, await CountRowsAsync());

        static async Task<int?> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            GrainStorageEmulator.Add(command, "GrainIdHash", 42, System.Data.DbType.Int32);
            GrainStorageEmulator.Add(command, "GrainIdN0", 0L, System.Data.DbType.Int64);
            GrainStorageEmulator.Add(command, "GrainIdN1", 42L, System.Data.DbType.Int64);
            GrainStorageEmulator.Add(command, "GrainTypeHash", 43, System.Data.DbType.Int32);
            GrainStorageEmulator.Add(command, "GrainTypeString", "charityday.pool", System.Data.DbType.String);
            GrainStorageEmulator.Add(command, "GrainIdExtensionString", null, System.Data.DbType.String);
            GrainStorageEmulator.Add(command, "ServiceId", "charityday", System.Data.DbType.String);
            GrainStorageEmulator.Add(command, "GrainStateVersion", null, System.Data.DbType.Int32);
            GrainStorageEmulator.Add(command, "PayloadBinary", new byte[] { 1 }, System.Data.DbType.Binary);
            var value = await command.ExecuteScalarAsync();
            return value is DBNull or null ? null : (int)value;
        }
    }
}
