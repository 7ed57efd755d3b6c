using System.Diagnostics;
using CharityDay.Contracts.Telemetry;
using Microsoft.Data.Sqlite;

namespace CharityDay.Host;

/// <summary>
/// Embedded profile: copies the SQLite write-ahead log back into the database file every second,
/// on its own connection. The ledger's connections turn automatic checkpoints off, so a commit
/// never pays for a checkpoint. PASSIVE never blocks writers: it copies what no reader still needs
/// and leaves the rest for next time. But under constant load some reader always holds the WAL, so
/// SQLite never starts it over: measured, it grew to 8 GB over 7 million donations, and after a
/// kill -9 the next start scanned all of it before serving (5.8 s to ready at 5 million). So once the
/// file passes <see cref="ResetBytes"/> the checkpoint is TRUNCATE: it waits for the readers of the
/// moment (milliseconds; writers wait behind it) and starts the WAL over, empty.
/// </summary>
public sealed class SqliteWalCheckpointer(string connectionString, ILogger<SqliteWalCheckpointer> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    /// <summary>About 3 s of peak writes: what a start after a crash reads back is bounded by it.</summary>
    public const long ResetBytes = 128L * 1024 * 1024;

    private readonly string _walPath = new SqliteConnectionStringBuilder(connectionString).DataSource + "-wal";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await CheckpointAsync(stoppingToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Leave a small WAL behind: the next start opens faster.
        await CheckpointAsync(cancellationToken);
    }

    private async Task CheckpointAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            // Off the caller's thread: Microsoft.Data.Sqlite does its I/O synchronously.
            await Task.Run(() =>
            {
                using var connection = new SqliteConnection(connectionString);
                connection.Open();
                using var command = connection.CreateCommand();
                var mode = File.Exists(_walPath) && new FileInfo(_walPath).Length > ResetBytes ? "TRUNCATE" : "PASSIVE";
                command.CommandText = $"PRAGMA busy_timeout=10000; PRAGMA wal_checkpoint({mode});";
                command.ExecuteNonQuery();
            }, ct);
            CharityDayTelemetry.CheckpointDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (SqliteException e)
        {
            logger.LogWarning(e, "WAL checkpoint of the embedded database failed; the next one retries");
        }
    }
}
