using System.Diagnostics;
using Npgsql;

namespace CharityDay.Integration.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of a test's own (initdb in a temp dir, loopback, a free port), so a fault test
/// can shut it down hard and start it again on the same port and data directory without disturbing the
/// server scripts/test.sh shares with every other test. The same binaries and settings as
/// scripts/lib/services.sh: run as 'postgres' when we are root (initdb refuses root), trust auth on
/// loopback, durability settings at their defaults.
/// </summary>
public sealed class RestartablePostgres : IAsyncDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("charityday-pgfault-").FullName;
    private readonly string _bin = BinDirectory();

    public int Port { get; } = FreePorts.Next();

    private string DataDir => Path.Combine(_root, "data");

    private string LogFile => Path.Combine(_root, "postgres.log");

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Password=postgres;Database=postgres;Pooling=true;Maximum Pool Size=40";

    public async Task StartNewAsync()
    {
        // The postgres user must reach its data dir (a temp dir is 0700 by default).
        await RunAsync("chmod", ["0755", _root]);
        var socketDir = Directory.CreateDirectory(Path.Combine(_root, "sock")).FullName;
        if (Environment.IsPrivilegedProcess)
        {
            await RunAsync("chown", ["-R", "postgres:", _root]);
        }
        await RunAsPostgresAsync("initdb", ["-D", DataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"]);
        await File.AppendAllTextAsync(Path.Combine(DataDir, "postgresql.conf"),
            $"\n# --- fault-test server (RestartablePostgres) ---\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{socketDir}'\nmax_connections = 300\n");
        await StartAsync();
    }

    /// <summary>Starts the stopped cluster on its port and returns once it accepts connections.</summary>
    public async Task StartAsync()
    {
        // -W: do not wait here; the poll below sees the first accepted connection within a few ms.
        await RunAsPostgresAsync("pg_ctl", ["-D", DataDir, "-l", LogFile, "-W", "-o", $"-p {Port}", "start"]);
        await WaitUntilAcceptingAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// <c>pg_ctl stop -m immediate</c>: every server process quits at once, no checkpoint — what a crash
    /// or a failover looks like to the clients; the next start runs crash recovery.
    /// </summary>
    public Task StopImmediateAsync() => RunAsPostgresAsync("pg_ctl", ["-D", DataDir, "-m", "immediate", "-w", "-t", "30", "stop"]);

    /// <summary>Polls with fresh (unpooled) connections every few ms: the instant the server accepts again.</summary>
    public async Task WaitUntilAcceptingAsync(TimeSpan timeout)
    {
        var unpooled = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, Timeout = 2 }.ToString();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(unpooled);
                await connection.OpenAsync();
                return;
            }
            catch (Exception e) when (e is NpgsqlException && deadline.Elapsed < timeout)
            {
                await Task.Delay(5);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!Directory.Exists(_root))
        {
            return;
        }
        var pidFile = Path.Combine(DataDir, "postmaster.pid");
        if (File.Exists(pidFile))
        {
            var pid = int.Parse(File.ReadLines(pidFile).First(), System.Globalization.CultureInfo.InvariantCulture);
            try
            {
                await RunAsPostgresAsync("pg_ctl", ["-D", DataDir, "-m", "fast", "-w", "-t", "30", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Not stopped in time: the postmaster recorded in our own data dir is ours to kill.
                try
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill(entireProcessTree: true);
                }
                catch (ArgumentException)
                {
                }
            }
        }
        Directory.Delete(_root, recursive: true);
    }

    private static string BinDirectory() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault() ?? throw new InvalidOperationException("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin")
            : throw new InvalidOperationException("PostgreSQL is not installed: run the suite through scripts/test.sh");

    private Task RunAsPostgresAsync(string tool, IReadOnlyList<string> args) =>
        Environment.IsPrivilegedProcess
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args])
            : RunAsync(Path.Combine(_bin, tool), args);

    private async Task RunAsync(string file, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = _root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            var log = File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(20)) : "";
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {(stdout.IsCompleted ? stdout.Result : "")} {(stderr.IsCompleted ? stderr.Result : "")}\n{log}");
        }
    }
}
