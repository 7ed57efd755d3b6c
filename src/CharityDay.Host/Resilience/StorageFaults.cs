using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using CharityDay.Contracts.Telemetry;
using Npgsql;

namespace CharityDay.Host.Resilience;

/// <summary>
/// What kind of failure a storage exception is. "connection" is the one that matters on a database
/// restart: the connection (not the statement) failed, so the same work on a fresh connection may
/// succeed — and, when nothing was sent, may be sent again.
/// </summary>
public static class StorageFaults
{
    public const string Connection = "connection";
    public const string Timeout = "timeout";
    public const string Database = "database";
    public const string Other = "other";

    public static string KindOf(Exception e) => e switch
    {
        _ when IsConnectionLevel(e) => Connection,
        TimeoutException or NpgsqlException { InnerException: TimeoutException } => Timeout,
        PostgresException => Database,
        _ => Other,
    };

    /// <summary>
    /// The server went away or is not taking connections: a socket error, end of stream, or the
    /// messages PostgreSQL sends its sessions when it shuts down (57P01 admin shutdown — what an
    /// immediate shutdown tells every session —, 57P02 crash shutdown), refuses them while it
    /// recovers (57P03), or the SQL class 08 (connection exception).
    /// </summary>
    public static bool IsConnectionLevel(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow,
        NpgsqlException npgsql => npgsql.InnerException is IOException or SocketException or EndOfStreamException
            || (npgsql.IsTransient && npgsql.InnerException is not TimeoutException),
        _ => false,
    };
}

/// <summary>
/// The storage operation the current async flow is running (ledger.append, ledger.find, …). The
/// code that names an operation counts its failures; a connection opened outside any (Orleans'
/// grain state and membership) is counted by the pool under the pool's own name.
/// </summary>
public static class StorageOperation
{
    private static readonly AsyncLocal<string?> CurrentName = new();

    public static string? Current => CurrentName.Value;

    /// <summary>Call from an async method: the name then reverts by itself when the method returns.</summary>
    public static void Begin(string operation) => CurrentName.Value = operation;
}

/// <summary>
/// Counts storage failures and retries (charityday.storage.errors / .retries) and logs them at warning,
/// at most one line per operation and kind a second: while the database is down, a campaign retrying
/// its rebuild fails dozens of times a second, and the count belongs in the metric, not the log.
/// </summary>
public sealed class StorageObserver(ILogger<StorageObserver> logger)
{
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(1);

    /// <summary>Per (operation, kind): when a line was last written, and how many were held back since.</summary>
    private readonly ConcurrentDictionary<(string Operation, string Kind), LogGate> _gates = new();

    public void Failed(string operation, Exception e)
    {
        var kind = StorageFaults.KindOf(e);
        CharityDayTelemetry.StorageErrors.Add(1, new("operation", operation), new("kind", kind));
        if (ShouldLog(operation, kind, out var heldBack))
        {
            logger.LogWarning("Storage operation {Operation} failed ({Kind}): {Error}{HeldBack}", operation, kind, Describe(e), HeldBackNote(heldBack));
        }
    }

    /// <summary>A connection broke under work that named no operation (Orleans' own storage and membership).</summary>
    public void ConnectionBroke(string operation)
    {
        CharityDayTelemetry.StorageErrors.Add(1, new("operation", operation), new("kind", StorageFaults.Connection));
        if (ShouldLog(operation, StorageFaults.Connection, out var heldBack))
        {
            logger.LogWarning("Storage operation {Operation} failed ({Kind}): the database connection broke{HeldBack}", operation, StorageFaults.Connection, HeldBackNote(heldBack));
        }
    }

    public void Retried(string operation, Exception e, string what)
    {
        CharityDayTelemetry.StorageRetries.Add(1, new KeyValuePair<string, object?>("operation", operation));
        if (ShouldLog(operation, "retry", out var heldBack))
        {
            logger.LogWarning("Storage operation {Operation}: {What} ({Error}); retried on a fresh connection{HeldBack}", operation, what, Describe(e), HeldBackNote(heldBack));
        }
    }

    private bool ShouldLog(string operation, string kind, out long heldBack)
    {
        var gate = _gates.GetOrAdd((operation, kind), _ => new LogGate());
        lock (gate)
        {
            var now = Stopwatch.GetTimestamp();
            if (gate.LastAt != 0 && Stopwatch.GetElapsedTime(gate.LastAt, now) < LogEvery)
            {
                gate.HeldBack++;
                heldBack = 0;
                return false;
            }
            heldBack = gate.HeldBack;
            gate.HeldBack = 0;
            gate.LastAt = now;
            return true;
        }
    }

    private static string HeldBackNote(long heldBack) => heldBack > 0 ? $" ({heldBack} more since the previous line: counted, not logged)" : "";

    private static string Describe(Exception e) =>
        e.InnerException is { } inner && e is not PostgresException ? $"{e.GetType().Name}: {e.Message} ({inner.GetType().Name}: {inner.Message})" : $"{e.GetType().Name}: {e.Message}";

    private sealed class LogGate
    {
        public long LastAt;
        public long HeldBack;
    }
}
