using System.Diagnostics.Metrics;
using CharityDay.Contracts.Telemetry;
using CharityDay.Host.Resilience;
using CharityDay.Integration.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CharityDay.Integration.Tests.Faults;

/// <summary>
/// The pool a database restart leaves behind, on a PostgreSQL of the test's own: what Npgsql does by
/// itself, and what the host's <see cref="RecoveringDataSource"/> adds.
/// </summary>
public sealed class PooledConnectionFaultTests : IAsyncLifetime
{
    private readonly RestartablePostgres _database = new();

    public Task InitializeAsync() => _database.StartNewAsync();

    public Task DisposeAsync() => _database.DisposeAsync().AsTask();

    /// <summary>
    /// The premise, pinned so that an Npgsql upgrade that changes it is noticed: Npgsql hands out a
    /// pooled connection without checking it, so the first use after a restart fails — and clears
    /// the pool, so the next use gets a fresh connection.
    /// </summary>
    [Fact]
    public async Task A_plain_Npgsql_pool_hands_out_a_connection_the_restart_killed_once_then_clears_itself()
    {
        await using var pool = NpgsqlDataSource.Create(_database.ConnectionString);
        await UseAsync(pool, 3);
        await RestartAsync();

        await using (var connection = await pool.OpenConnectionAsync())
        {
            var failure = await Assert.ThrowsAnyAsync<NpgsqlException>(() => SelectOneAsync(connection));
            Assert.True(StorageFaults.IsConnectionLevel(failure), $"expected a connection-level failure, got {failure}");
        }
        // The other two idle connections went with the clear: no second failure.
        await UseAsync(pool, 3);
    }

    [Fact]
    public async Task The_recovering_pool_replaces_connections_the_restart_killed_before_use_and_counts_each()
    {
        var retries = new List<string>();
        using var listener = ListenToRetries(retries);
        var observer = new StorageObserver(NullLogger<StorageObserver>.Instance);
        await using var pools = new PostgresPools(_database.ConnectionString, observer);
        await UseAsync(pools.Ledger, 3);
        await UseAsync(pools.GrainState, 2);
        await Task.Delay(RecoveringDataSource.CheckAfterIdle * 2);
        await RestartAsync();

        // Each pool's first use after the restart meets a dead connection: replaced, never surfaced.
        await UseAsync(pools.GrainState, 3);
        await UseAsync(pools.Ledger, 3);
        Assert.True(retries.Count is >= 1 and <= 2, $"expected one replacement per pool at most (Npgsql clears a pool at its first dead connection), got [{string.Join(", ", retries)}]");
        Assert.Contains("grain_state", retries);
    }

    /// <summary>Opens <paramref name="count"/> connections at once (so the pool holds that many) and uses each.</summary>
    private static async Task UseAsync(System.Data.Common.DbDataSource pool, int count)
    {
        var connections = new List<System.Data.Common.DbConnection>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                connections.Add(await pool.OpenConnectionAsync());
            }
            foreach (var connection in connections)
            {
                await SelectOneAsync((NpgsqlConnection)connection);
            }
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task SelectOneAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        Assert.Equal(1, await command.ExecuteScalarAsync());
    }

    private async Task RestartAsync()
    {
        await _database.StopImmediateAsync();
        await _database.StartAsync();
    }

    private static MeterListener ListenToRetries(List<string> retries)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                // By name: this may run while CharityDayTelemetry's static fields are still being created.
                if (instrument.Meter.Name == CharityDayTelemetry.Name && instrument.Name == "charityday.storage.retries")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "operation")
                {
                    lock (retries)
                    {
                        retries.Add((string)tag.Value!);
                    }
                }
            }
        });
        listener.Start();
        return listener;
    }
}
