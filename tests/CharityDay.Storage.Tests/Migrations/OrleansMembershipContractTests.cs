using CharityDay.Storage.Migrations;
using Npgsql;
using Xunit;

namespace CharityDay.Storage.Tests.Migrations;

/// <summary>
/// The clustering queries of the migrated PostgreSQL schema, driven the way Orleans 10.4.2's
/// AdoNetClusteringTable drives them (see <see cref="MembershipEmulator"/>).
/// </summary>
public sealed class OrleansMembershipContractTests : IAsyncLifetime
{
    private const string Cluster = "charityday-test";
    private const int Active = 3;
    private const int Dead = 6;
    private static readonly DateTime T0 = new(2026, 11, 28, 10, 0, 0, DateTimeKind.Utc);

    private PostgresTestDatabase? _db;
    private MembershipEmulator _membership = null!;

    public async Task InitializeAsync()
    {
        _db = await PostgresTestDatabase.CreateAsync();
        await MigrationRunner.ApplyPostgresAsync(_db.ConnectionString);
        var connectionString = _db.ConnectionString;
        _membership = await MembershipEmulator.InitAsync(() => new NpgsqlConnection(connectionString));
    }

    public async Task DisposeAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }

    private static SiloRow Silo(int generation, int status = Active, int port = 11111, string? suspects = null, DateTime? alive = null) =>
        new("10.0.0.5", port, generation, $"silo-{generation}", "host-a", status, 30000, suspects, T0, alive ?? T0.AddSeconds(1));

    [Fact]
    public async Task The_provider_finds_every_query_it_requires_and_the_per_row_cleanup()
    {
        Assert.True(_membership.HasPerRowCleanup);
        await using var connection = await _db!.OpenAsync();
        var keys = await Db.RowsAsync(connection, "SELECT QueryKey FROM OrleansQuery");
        Assert.Empty(MembershipEmulator.RequiredKeys.Except(keys));
    }

    [Fact]
    public async Task The_version_row_is_created_once_and_read_back_without_members()
    {
        Assert.True(await _membership.InsertVersionAsync(Cluster));
        Assert.False(await _membership.InsertVersionAsync(Cluster));

        var (rows, etag) = await _membership.ReadAllAsync(Cluster);
        Assert.Empty(rows);
        Assert.Equal("0", etag);
        var (row, rowEtag) = await _membership.ReadRowAsync(Cluster, Silo(1));
        Assert.Empty(row);
        Assert.Equal("0", rowEtag);
    }

    [Fact]
    public async Task Insert_needs_the_current_version_and_bumps_it()
    {
        await _membership.InsertVersionAsync(Cluster);
        var silo = Silo(1);

        Assert.False(await _membership.InsertAsync(Cluster, silo, "5"));
        Assert.True(await _membership.InsertAsync(Cluster, silo, "0"));

        var (rows, etag) = await _membership.ReadAllAsync(Cluster);
        Assert.Equal("1", etag);
        Assert.Equal([silo], rows);
        var (one, oneEtag) = await _membership.ReadRowAsync(Cluster, silo);
        Assert.Equal([silo], one);
        Assert.Equal("1", oneEtag);
    }

    [Fact]
    public async Task Inserting_an_existing_silo_fails_without_bumping_the_version()
    {
        await _membership.InsertVersionAsync(Cluster);
        await _membership.InsertAsync(Cluster, Silo(1), "0");

        Assert.False(await _membership.InsertAsync(Cluster, Silo(1) with { SiloName = "again" }, "1"));

        var (rows, etag) = await _membership.ReadAllAsync(Cluster);
        Assert.Equal("1", etag);
        Assert.Equal("silo-1", Assert.Single(rows).SiloName);
    }

    [Fact]
    public async Task Update_needs_the_current_version_and_an_existing_row()
    {
        await _membership.InsertVersionAsync(Cluster);
        await _membership.InsertAsync(Cluster, Silo(1), "0");
        var suspected = Silo(1, suspects: "S10.0.0.6:11111:2,2026-11-28 10:00:05.000 GMT");

        Assert.False(await _membership.UpdateAsync(Cluster, suspected, "0"));
        Assert.False(await _membership.UpdateAsync(Cluster, Silo(9), "1"));
        Assert.Equal("1", (await _membership.ReadAllAsync(Cluster)).ETag);

        Assert.True(await _membership.UpdateAsync(Cluster, suspected with { Status = Dead }, "1"));
        var (rows, etag) = await _membership.ReadAllAsync(Cluster);
        Assert.Equal("2", etag);
        var row = Assert.Single(rows);
        Assert.Equal(Dead, row.Status);
        Assert.Equal(suspected.SuspectTimes, row.SuspectTimes);
    }

    [Fact]
    public async Task Heartbeats_leave_the_version_alone_and_never_move_time_backwards()
    {
        await _membership.InsertVersionAsync(Cluster);
        var silo = Silo(1);
        await _membership.InsertAsync(Cluster, silo, "0");

        await _membership.HeartbeatAsync(Cluster, silo, T0.AddMinutes(5));
        await _membership.HeartbeatAsync(Cluster, silo, T0.AddMinutes(2));
        // An update carrying an IAmAliveTime read before the last heartbeat.
        Assert.True(await _membership.UpdateAsync(Cluster, silo with { IAmAliveTime = T0.AddMinutes(1) }, "1"));

        var (rows, etag) = await _membership.ReadAllAsync(Cluster);
        Assert.Equal("2", etag);
        Assert.Equal(T0.AddMinutes(5), Assert.Single(rows).IAmAliveTime);
    }

    [Fact]
    public async Task Gateways_are_the_active_silos_with_a_proxy_port()
    {
        await _membership.InsertVersionAsync(Cluster);
        await _membership.InsertAsync(Cluster, Silo(1), "0");
        await _membership.InsertAsync(Cluster, Silo(2, status: Dead, port: 11112), "1");
        await _membership.InsertAsync(Cluster, Silo(3, port: 11113) with { ProxyPort = 0 }, "2");

        Assert.Equal(["10.0.0.5:30000/1"], await _membership.GatewaysAsync(Cluster));
    }

    [Fact]
    public async Task Cleanup_removes_only_old_dead_rows_it_saw_unchanged()
    {
        await _membership.InsertVersionAsync(Cluster);
        await _membership.InsertAsync(Cluster, Silo(1), "0");
        await _membership.InsertAsync(Cluster, Silo(2, status: Dead), "1");
        await _membership.InsertAsync(Cluster, Silo(3, status: Dead, alive: T0.AddHours(2)), "2");
        var changed = Silo(4, status: Dead);
        await _membership.InsertAsync(Cluster, changed, "3");
        await _membership.HeartbeatAsync(Cluster, changed, T0.AddSeconds(30));

        // A captured row that no longer matches (its IAmAliveTime moved) stays.
        await _membership.CleanupRowAsync(Cluster, changed);
        Assert.Equal(4, (await _membership.ReadAllAsync(Cluster)).Rows.Count);

        await _membership.CleanupAsync(Cluster, T0.AddHours(1));

        var (rows, etag) = await _membership.ReadAllAsync(Cluster);
        Assert.Equal([1, 3], rows.Select(r => r.Generation).Order());
        Assert.Equal("4", etag);
    }

    [Fact]
    public async Task Bulk_cleanup_removes_old_dead_rows_without_suspicions()
    {
        await _membership.InsertVersionAsync(Cluster);
        await _membership.InsertAsync(Cluster, Silo(1), "0");
        await _membership.InsertAsync(Cluster, Silo(2, status: Dead), "1");
        await _membership.InsertAsync(Cluster, Silo(3, status: Dead), "2");
        await _membership.UpdateAsync(Cluster, Silo(3, status: Dead, suspects: "S10.0.0.6:11111:2,2026-11-28 10:00:05.000 GMT"), "3");

        await _membership.BulkCleanupAsync(Cluster, T0.AddHours(1));

        Assert.Equal([1, 3], (await _membership.ReadAllAsync(Cluster)).Rows.Select(r => r.Generation).Order());
    }

    [Fact]
    public async Task Delete_removes_the_deployment()
    {
        await _membership.InsertVersionAsync(Cluster);
        await _membership.InsertAsync(Cluster, Silo(1), "0");
        await _membership.InsertVersionAsync("other");

        await _membership.DeleteAllAsync(Cluster);

        Assert.True(await _membership.InsertVersionAsync(Cluster));
        Assert.False(await _membership.InsertVersionAsync("other"));
        Assert.Empty((await _membership.ReadAllAsync(Cluster)).Rows);
    }

    [Fact]
    public async Task Concurrent_inserts_with_the_same_version_let_exactly_one_win()
    {
        await _membership.InsertVersionAsync(Cluster);

        var results = await Task.WhenAll(Enumerable.Range(1, 12)
            .Select(g => Task.Run(() => _membership.InsertAsync(Cluster, Silo(g), "0"))));

        Assert.Single(results, r => r);
        var (rows, etag) = await _membership.ReadAllAsync(Cluster);
        Assert.Single(rows);
        Assert.Equal("1", etag);
    }

    [Fact]
    public async Task Writes_fail_cleanly_when_the_server_ignores_plpgsql_assertions()
    {
        // The functions roll back through exception blocks, not ASSERT, so this server setting
        // cannot turn a failed insert into a half-applied one.
        var builder = new NpgsqlConnectionStringBuilder(_db!.ConnectionString) { Options = "-c plpgsql.check_asserts=off" };
        var membership = await MembershipEmulator.InitAsync(() => new NpgsqlConnection(builder.ConnectionString));
        await membership.InsertVersionAsync(Cluster);
        await membership.InsertAsync(Cluster, Silo(1), "0");

        Assert.False(await membership.InsertAsync(Cluster, Silo(1), "1"));
        Assert.False(await membership.UpdateAsync(Cluster, Silo(2), "1"));

        Assert.Equal("1", (await membership.ReadAllAsync(Cluster)).ETag);
    }
}
