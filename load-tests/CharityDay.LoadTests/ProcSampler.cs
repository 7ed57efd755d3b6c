using System.Diagnostics;
using System.Globalization;

namespace CharityDay.LoadTests;

internal sealed record HostMemory(int Pid, double PeakRssMb, double VmHwmMb);

/// <summary>One point of the memory timeline: seconds into the load, VmRSS of the hosts (sum), donations acknowledged by then.</summary>
internal sealed record RssSample(double Seconds, double RssMb, long Donations);

/// <summary>
/// Where the machine's CPU went during the load phase, in CPU-seconds (2 cores = 2 CPU-s per second), and the
/// host processes' memory. <c>OtherCpuSeconds</c> is everything else on the machine: other engineers' builds
/// and tests on a shared box.
/// </summary>
internal sealed record ProcReport(
    double ElapsedSeconds,
    double MachineBusyCpuSeconds,
    double HostCpuSeconds,
    double TreeCpuSeconds,
    double GeneratorCpuSeconds,
    double OtherCpuSeconds,
    double PeakRssMb,
    double VmHwmMb,
    IReadOnlyList<HostMemory> Hosts,
    string LoadAverageStart,
    string LoadAverageEnd,
    double StartRssMb,
    double EndRssMb,
    IReadOnlyList<RssSample> Timeline);

/// <summary>
/// Samples /proc while the load runs: VmRSS of the host pids every 250 ms (peak of their sum), their VmHWM at
/// the end (the kernel's own peak, since the process started), and CPU time of the hosts, of other process
/// trees (e.g. PostgreSQL: the postmaster and its backends), of this generator and of the whole machine.
/// Every <paramref name="timelineEvery"/> the hosts' VmRSS also goes into a timeline, with <paramref name="progress"/>
/// (donations acknowledged so far). Linux only; elsewhere the report stays empty.
/// </summary>
internal sealed class ProcSampler(IReadOnlyList<int> hostPids, IReadOnlyList<int> treePids, Func<long>? progress = null, TimeSpan? timelineEvery = null)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux
    private readonly Dictionary<int, double> _peakRss = [];
    private readonly List<RssSample> _timeline = [];
    private long _nextTimeline;
    private double _peakSum;
    private double _startSum;
    private double _lastSum;
    private CancellationTokenSource? _stop;
    private Task? _loop;
    private long _t0;
    private double _machine0, _hosts0, _trees0, _self0;
    private string _load0 = "";

    public static bool Supported => OperatingSystem.IsLinux() && File.Exists("/proc/stat");

    public void Start()
    {
        if (!Supported)
        {
            return;
        }

        _t0 = Stopwatch.GetTimestamp();
        _machine0 = MachineBusySeconds();
        _hosts0 = hostPids.Sum(p => ProcessSeconds(p, includeChildren: false));
        _trees0 = TreeSeconds(treePids);
        _self0 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        _load0 = LoadAverage();
        _nextTimeline = _t0;
        Sample();
        _startSum = _lastSum;
        _stop = new CancellationTokenSource();
        _loop = Task.Run(() => LoopAsync(_stop.Token));
    }

    public async Task<ProcReport?> StopAsync()
    {
        if (_stop is null || _loop is null)
        {
            return null;
        }

        await _stop.CancelAsync();
        await _loop;
        _nextTimeline = Stopwatch.GetTimestamp(); // the end of the load is always a point of the timeline
        Sample();
        var elapsed = Stopwatch.GetElapsedTime(_t0).TotalSeconds;
        var machine = MachineBusySeconds() - _machine0;
        var hosts = hostPids.Sum(p => ProcessSeconds(p, includeChildren: false)) - _hosts0;
        var trees = TreeSeconds(treePids) - _trees0;
        var self = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - _self0;
        var memory = hostPids.Select(p => new HostMemory(p, Round(_peakRss.GetValueOrDefault(p)), Round(StatusKb(p, "VmHWM:") / 1024.0))).ToList();
        return new ProcReport(
            Round(elapsed), Round(machine), Round(hosts), Round(trees), Round(self), Round(Math.Max(0, machine - hosts - trees - self)),
            Round(_peakSum), Round(memory.Sum(m => m.VmHwmMb)), memory, _load0, LoadAverage(), Round(_startSum), Round(_lastSum), _timeline.ToList());
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            do
            {
                Sample();
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Sample()
    {
        double sum = 0;
        foreach (var pid in hostPids)
        {
            var mb = StatusKb(pid, "VmRSS:") / 1024.0;
            sum += mb;
            if (mb > _peakRss.GetValueOrDefault(pid))
            {
                _peakRss[pid] = mb;
            }
        }

        _peakSum = Math.Max(_peakSum, sum);
        _lastSum = sum;
        var now = Stopwatch.GetTimestamp();
        if (hostPids.Count > 0 && now >= _nextTimeline)
        {
            _timeline.Add(new RssSample(Round(Stopwatch.GetElapsedTime(_t0, now).TotalSeconds), Round(sum), progress?.Invoke() ?? 0));
            var every = timelineEvery is { } e && e > TimeSpan.Zero ? e : TimeSpan.FromSeconds(5);
            _nextTimeline = now + (long)(every.TotalSeconds * Stopwatch.Frequency);
        }
    }

    private static double Round(double v) => Math.Round(v, 2);

    private static long StatusKb(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    var parts = line[field.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(parts[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
        }

        return 0;
    }

    /// <summary>Fields after "(comm)" of /proc/PID/stat: [1] = ppid, [11] utime, [12] stime, [13] cutime, [14] cstime.</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var close = text.LastIndexOf(')');
            return close < 0 ? null : text[(close + 2)..].Split(' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static double ProcessSeconds(int pid, bool includeChildren)
    {
        var f = StatFields(pid);
        if (f is null || f.Length < 15)
        {
            return 0;
        }

        var ticks = long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture);
        if (includeChildren)
        {
            ticks += long.Parse(f[13], CultureInfo.InvariantCulture) + long.Parse(f[14], CultureInfo.InvariantCulture);
        }

        return ticks / TicksPerSecond;
    }

    /// <summary>CPU of each root, of the children it has reaped, and of its live descendants.</summary>
    private static double TreeSeconds(IReadOnlyList<int> roots)
    {
        if (roots.Count == 0)
        {
            return 0;
        }

        var parent = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && StatFields(pid) is { Length: > 1 } f
                && int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ppid))
            {
                parent[pid] = ppid;
            }
        }

        var rootSet = roots.ToHashSet();
        double total = 0;
        foreach (var pid in parent.Keys)
        {
            if (rootSet.Contains(pid))
            {
                total += ProcessSeconds(pid, includeChildren: true);
                continue;
            }

            for (var p = parent.GetValueOrDefault(pid); p > 1; p = parent.GetValueOrDefault(p))
            {
                if (rootSet.Contains(p))
                {
                    total += ProcessSeconds(pid, includeChildren: true);
                    break;
                }
            }
        }

        return total;
    }

    private static double MachineBusySeconds()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // cpu user nice system idle iowait irq softirq steal ...
        long busy = 0;
        for (var i = 1; i < Math.Min(cpu.Length, 9); i++)
        {
            if (i is 4 or 5)
            {
                continue;
            }

            busy += long.Parse(cpu[i], CultureInfo.InvariantCulture);
        }

        return busy / TicksPerSecond;
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "";
        }
    }
}
