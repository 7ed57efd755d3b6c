using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace CharityDay.Integration.Tests.Infrastructure;

/// <summary>
/// A Redis server of the test's own (the binary scripts/test.sh installs), on a fixed loopback port for
/// its whole life, so a test can kill it and start it again while silos keep their connection string.
/// The shared server of <see cref="TestRedis"/> serves every other test: never stop that one.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("charityday-redis-").FullName;
    private Process? _process;

    public int Port { get; } = FreePorts.Next();

    public string ConnectionString => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    public async Task StartAsync()
    {
        Assert.False(IsRunning, "this Redis already runs");
        // In the foreground (no --daemonize), so the process is ours to kill by its id.
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--bind", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture), "--dir", _dir, "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(arg);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start redis-server");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            Assert.False(_process.HasExited, $"redis-server exited with {(_process.HasExited ? _process.ExitCode : 0)} on port {Port}");
            if (await AnswersPingAsync())
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"redis-server on port {Port} did not answer PING within 10 s");
    }

    /// <summary>kill -9: the connections drop at once, as when a Redis node dies.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(1));
            return System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
