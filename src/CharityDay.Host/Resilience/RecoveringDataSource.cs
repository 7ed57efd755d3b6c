using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics;
using Npgsql;

namespace CharityDay.Host.Resilience;

/// <summary>
/// A PostgreSQL pool that does not hand out a connection a database restart killed.
/// <para>
/// Npgsql does not check a pooled connection when it hands it out (by design: a round trip per open
/// would defeat the pool). After a restart every idle connection is dead, and each one's first use
/// fails; Npgsql 10 clears the pool when a connection breaks with a connection-level error (so one
/// failure empties the rest), but that first failure still reaches the caller — on a quiet silo that
/// caller is the next admin write. So a connection that has sat idle for at least
/// <see cref="CheckAfterIdle"/> is checked with one round trip before it is handed out, and a dead one
/// is replaced by a fresh connection: nothing was sent on it, so the replacement is always safe. A
/// connection in steady use is not checked (no cost under load): there, the work in flight when the
/// server died breaks its connection, and Npgsql plus <see cref="PostgresPools.ClearAll"/> empty every
/// pool of the process before the server is back.
/// </para>
/// </summary>
public sealed class RecoveringDataSource(NpgsqlDataSource inner, string name, PostgresPools pools, StorageObserver observer) : DbDataSource
{
    /// <summary>
    /// A restart takes longer than this (an immediate restart of an empty cluster here: ~200 ms;
    /// a managed failover: seconds), so a connection that was idle across a restart is always
    /// checked; one in steady use (a busy pool hands each connection out every few ms) never is.
    /// </summary>
    public static readonly TimeSpan CheckAfterIdle = TimeSpan.FromMilliseconds(100);

    /// <summary>Dead connections replaced within one open: Npgsql empties the pool at the first, so the second is fresh.</summary>
    private const int MaxReplacements = 3;

    public string Name => name;

    public override string ConnectionString => inner.ConnectionString;

    protected override DbConnection CreateDbConnection() => inner.CreateConnection();

    protected override DbConnection OpenDbConnection() => OpenDbConnectionAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();

    protected override async ValueTask<DbConnection> OpenDbConnectionAsync(CancellationToken cancellationToken = default)
    {
        for (var replaced = 0; ; replaced++)
        {
            NpgsqlConnection connection;
            try
            {
                connection = await inner.OpenConnectionAsync(cancellationToken);
            }
            catch (Exception e) when (StorageOperation.Current is null && StorageFaults.IsConnectionLevel(e))
            {
                // Orleans' own work names no operation: the pool counts its failures.
                observer.Failed(name, e);
                throw;
            }
            var backend = connection.ProcessID;
            if (!pools.IdleLongerThan(backend, CheckAfterIdle))
            {
                return Watch(connection, backend);
            }
            try
            {
                await using var probe = new NpgsqlCommand("SELECT 1", connection);
                await probe.ExecuteScalarAsync(cancellationToken);
                return Watch(connection, backend);
            }
            catch (Exception e) when (StorageFaults.IsConnectionLevel(e) && replaced < MaxReplacements)
            {
                await connection.DisposeAsync();
                pools.Forget(backend);
                pools.ClearAll();
                observer.Retried(StorageOperation.Current ?? name, e, "a pooled connection was dead (the database restarted or dropped it)");
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Notes when the connection goes back to the pool, and empties every pool when it breaks.</summary>
    private NpgsqlConnection Watch(NpgsqlConnection connection, int backend)
    {
        var operation = StorageOperation.Current;
        connection.StateChange += (sender, change) =>
        {
            if (change.CurrentState != ConnectionState.Closed)
            {
                return;
            }
            if (((NpgsqlConnection)sender!).FullState == ConnectionState.Broken)
            {
                pools.Forget(backend);
                pools.ClearAll();
                if (operation is null)
                {
                    observer.ConnectionBroke(name);
                }
            }
            else
            {
                pools.Returned(backend);
            }
        };
        return connection;
    }
}

/// <summary>
/// The process's PostgreSQL pools: the ledger's, and Orleans' (grain state and membership share one,
/// as they did when Orleans pooled by connection string). A connection that breaks in one empties
/// them all, and each pooled connection's last return is noted for <see cref="RecoveringDataSource"/>.
/// </summary>
public sealed class PostgresPools : IAsyncDisposable
{
    /// <summary>Backends remembered; past it the notes are dropped (the cost: one extra check per connection).</summary>
    private const int MaxTracked = 10_000;

    private readonly NpgsqlDataSource _ledger;
    private readonly NpgsqlDataSource _orleans;
    private readonly ConcurrentDictionary<int, long> _returnedAt = new();

    public PostgresPools(string connectionString, StorageObserver observer)
    {
        _ledger = new NpgsqlDataSourceBuilder(connectionString) { Name = "ledger" }.Build();
        _orleans = new NpgsqlDataSourceBuilder(connectionString) { Name = "orleans" }.Build();
        Ledger = new RecoveringDataSource(_ledger, "ledger", this, observer);
        GrainState = new RecoveringDataSource(_orleans, "grain_state", this, observer);
        Membership = new RecoveringDataSource(_orleans, "membership", this, observer);
    }

    public RecoveringDataSource Ledger { get; }

    public RecoveringDataSource GrainState { get; }

    public RecoveringDataSource Membership { get; }

    public void ClearAll()
    {
        _ledger.Clear();
        _orleans.Clear();
    }

    internal bool IdleLongerThan(int backend, TimeSpan idle) =>
        _returnedAt.TryGetValue(backend, out var at) && Stopwatch.GetElapsedTime(at) >= idle;

    internal void Returned(int backend)
    {
        if (_returnedAt.Count >= MaxTracked)
        {
            _returnedAt.Clear();
        }
        _returnedAt[backend] = Stopwatch.GetTimestamp();
    }

    internal void Forget(int backend) => _returnedAt.TryRemove(backend, out _);

    public async ValueTask DisposeAsync()
    {
        await _ledger.DisposeAsync();
        await _orleans.DisposeAsync();
    }
}
