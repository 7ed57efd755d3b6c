using System.Diagnostics;
using System.Text;

namespace CharityDay.Integration.Tests.Infrastructure;

/// <summary>
/// The real CharityDay host, started as its own process exactly as an operator starts it
/// (environment configuration, HTTP on a loopback port), so tests can kill -9 it and restart it.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly Dictionary<string, string> _environment;
    private readonly StringBuilder _output = new();
    private Process? _process;

    public HostProcess(string name, IDictionary<string, string> environment)
    {
        Name = name;
        HttpPort = FreePorts.Next();
        _environment = new Dictionary<string, string>(environment)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{HttpPort}",
        };
    }

    public string Name { get; }

    public IReadOnlyDictionary<string, string> Environment => _environment;

    public int HttpPort { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}");

    /// <summary>Where /metrics and /health/* are served: the management URL when CharityDay__ManagementUrls is set, else the public one.</summary>
    public Uri ManagementAddress => _environment.TryGetValue("CharityDay__ManagementUrls", out var urls) && urls.Length > 0
        ? new Uri(urls.Split(';')[0])
        : BaseAddress;

    /// <summary>The host's process id while it runs (for what only the operating system can tell: memory, listening sockets).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException($"host {Name} is not started");

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Where the process starts (default: beside the host's dll), for a test of a host started from elsewhere.</summary>
    public string? WorkingDirectory { get; init; }

    public static string HostDll
    {
        get
        {
            var testDir = AppContext.BaseDirectory;
            var configuration = testDir.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var root = RepositoryRoot();
            var dll = Path.Combine(root, "src", "CharityDay.Host", "bin", configuration, "net10.0", "CharityDay.Host.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"build the host first: {dll} is missing");
        }
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CharityDay.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("CharityDay.sln not found above the test binaries");
    }

    public async Task StartAsync()
    {
        var dll = HostDll;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = WorkingDirectory ?? Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the host");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitUntilReadyAsync();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = ManagementAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"host {Name} exited with {_process.ExitCode} while starting:\n{Output}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"host {Name} was not ready within {StartTimeout}:\n{Output}");
    }

    /// <summary>kill -9: no shutdown hooks, no flushing — what a crash looks like.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM, as an orchestrator stops a pod.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
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
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }
}
