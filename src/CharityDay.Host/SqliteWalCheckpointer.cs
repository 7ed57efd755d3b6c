using System.Diagnostics;
using CharityDay.Contracts.Telemetry;
using Microsoft.Data.Sqlite;

namespace CharityDay.Host;

/// <summary>
/// Embedded profile: copies the SQLite write-ahead log back into the database file every second,
/// on its own connection. The ledger's connections turn automatic checkpoints off, so a commit
/// never pays for a checkpoint; without this service the WAL would grow without bound. PASSIVE
/// never blocks writers: it copies what no reader still needs and leaves the rest for next time.
/// </summary>
public sealed class SqliteWalCheckpointer(string connectionString, ILogger<SqliteWalCheckpointer> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

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
                command.CommandText = "PRAGMA busy_timeout=10000; PRAGMA wal_checkpoint(PASSIVE);";
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
