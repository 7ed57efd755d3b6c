using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace CharityDay.Rehearsal.Run;

/// <summary>
/// Starts CharityDay host processes for a rehearsal that has no <c>--url</c>: the embedded default
/// (one process, SQLite in a temporary data directory) or a cluster of Production silos on a
/// PostgreSQL database. Output goes to a log file; everything is stopped and removed on dispose.
/// </summary>
public sealed class HostLauncher : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private readonly List<Process> _processes = [];
    private readonly List<StreamWriter> _logs = [];
    private readonly string? _dataDir;
    private readonly bool _keepData;

    private HostLauncher(string? dataDir, bool keepData)
    {
        _dataDir = dataDir;
        _keepData = keepData;
    }

    public List<Uri> Urls { get; } = [];

    public string ManagerKey { get; } = "rehearsal-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string Description { get; private set; } = "";

    public static async Task<HostLauncher> StartEmbeddedAsync(string logDir, string? dataDir = null, bool keepData = false)
    {
        var dir = dataDir ?? Directory.CreateTempSubdirectory("charityday-rehearsal-").FullName;
        var launcher = new HostLauncher(dataDir is null ? dir : null, keepData);
        launcher.Description = $"embedded host (SQLite in {dir})";
        await launcher.StartAsync("embedded", logDir, new() { ["CharityDay__DataDir"] = dir });
        return launcher;
    }

    public static async Task<HostLauncher> StartClusterAsync(string logDir, int silos, string postgres)
    {
        var launcher = new HostLauncher(null, false);
        var clusterId = "rehearsal-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        launcher.Description = $"{silos}-silo Production cluster {clusterId} on PostgreSQL";
        await Task.WhenAll(Enumerable.Range(0, silos).Select(i => launcher.StartAsync($"silo{i}", logDir, new()
        {
            ["CharityDay__Profile"] = "Production",
            ["ConnectionStrings__Postgres"] = postgres,
            ["CharityDay__MigrateOnStart"] = "true",
            ["CharityDay__ClusterId"] = clusterId,
        })));
        return launcher;
    }

    /// <summary>The host's build output next to this program's: same configuration, found from the solution root.</summary>
    public static string HostDll()
    {
        var baseDir = AppContext.BaseDirectory;
        var sep = Path.DirectorySeparatorChar;
        var configuration = baseDir.Contains($"{sep}Debug{sep}", StringComparison.Ordinal) ? "Debug" : "Release";
        for (var dir = new DirectoryInfo(baseDir); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CharityDay.sln")))
            {
                foreach (var config in new[] { configuration, configuration == "Release" ? "Debug" : "Release" })
                {
                    var dll = Path.Combine(dir.FullName, "src", "CharityDay.Host", "bin", config, "net10.0", "CharityDay.Host.dll");
                    if (File.Exists(dll))
                    {
                        return dll;
                    }
                }

                throw new FileNotFoundException($"build the host first (dotnet build -c {configuration}): no CharityDay.Host.dll under {dir.FullName}/src/CharityDay.Host/bin");
            }
        }

        throw new DirectoryNotFoundException("CharityDay.sln not found above " + baseDir);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task StartAsync(string name, string logDir, Dictionary<string, string> environment)
    {
        var dll = HostDll();
        var httpPort = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}";
        environment["CharityDay__BootstrapManagerKey"] = ManagerKey;
        environment["CharityDay__SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        Directory.CreateDirectory(logDir);
        var log = new StreamWriter(Path.Combine(logDir, $"host-{name}.log")) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the host");
        lock (_processes)
        {
            _processes.Add(process);
            _logs.Add(log);
        }

        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var url = new Uri($"http://127.0.0.1:{httpPort}/");
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"host {name} exited with {process.ExitCode} while starting; see {logDir}/host-{name}.log");
            }

            try
            {
                using var ready = await http.GetAsync(new Uri("health/ready", UriKind.Relative));
                if (ready.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            if (waited.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"host {name} not ready within {StartTimeout}; see {logDir}/host-{name}.log");
            }

            await Task.Delay(200);
        }

        lock (Urls)
        {
            Urls.Add(url);
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                try
                {
                    log.WriteLine(line);
                }
                catch (ObjectDisposedException)
                {
                    // a last line after the stop
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                // SIGTERM first, as an orchestrator stops a pod; kill if it does not stop in time.
                using (Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
                {
                }

                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
            }

            process.Dispose();
        }

        foreach (var log in _logs)
        {
            lock (log)
            {
                log.Dispose();
            }
        }

        if (_dataDir is not null && !_keepData)
        {
            try
            {
                Directory.Delete(_dataDir, recursive: true);
            }
            catch (IOException)
            {
                // best effort: a temp dir
            }
        }
    }
}
