using System.Collections.Concurrent;
using System.Diagnostics;
using CharityDay.Contracts;
using CharityDay.Contracts.Telemetry;

namespace CharityDay.Api.ReadSide;

/// <summary>
/// This silo's copy of an id directory (entries are only ever added). A known id is a memory hit;
/// an id not in the copy waits for one fetch that started after it arrived, shared by every miss
/// meanwhile, so a new id is found at once and a flood of unknown ids costs at most one small
/// grain call per interval, keeps at most <see cref="MissesKept"/> ids and activates nothing.
/// A caller that may answer from a copy up to <see cref="MissKeptFor"/> old (public reads) is
/// answered a recent miss from memory, without waiting for a fetch.
/// </summary>
public sealed class DirectoryReplica(string name, Func<DirectoryCursor, Task<DirectoryDelta>> fetch, TimeProvider time)
{
    /// <summary>Misses arriving within this window share a fetch.</summary>
    public static readonly TimeSpan MinFetchInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How long a confirmed miss may answer public readers without a fetch: half the second a
    /// public read may lag (SPEC §4), so the answer's CharityDay-Snapshot-At stays within it.
    /// </summary>
    public static readonly TimeSpan MissKeptFor = TimeSpan.FromMilliseconds(500);

    /// <summary>Recent misses kept per directory copy (a few hundred KB at most).</summary>
    public const int MissesKept = 4096;

    private readonly FreshnessGate _gate = new(MinFetchInterval, time);
    private readonly MissCache<(DirectoryKind, string)> _misses = new(MissesKept, MissKeptFor, time);
    private volatile ConcurrentDictionary<(DirectoryKind, string), string> _entries = new();
    private DirectoryCursor _cursor = DirectoryCursor.Start;

    public DateTimeOffset AsOf => _gate.AsOf;

    /// <summary>
    /// The id's value (a project's campaign, a key's role), or null when the directory does not have
    /// it. <paramref name="acceptRecentMiss"/>: an id found missing less than <see cref="MissKeptFor"/>
    /// ago is answered null at once (only for answers that may lag that much); otherwise a miss always
    /// waits for a fetch that started after the call, so an id registered before it is found.
    /// </summary>
    public async ValueTask<string?> FindAsync(DirectoryKind kind, string id, bool acceptRecentMiss = false)
    {
        if (_entries.TryGetValue((kind, id), out var value))
        {
            return value;
        }
        if (acceptRecentMiss && _misses.Contains((kind, id)))
        {
            CharityDayTelemetry.DirectoryMisses.Add(1, new KeyValuePair<string, object?>("directory", name), new KeyValuePair<string, object?>("answer", "kept"));
            return null;
        }
        await _gate.RefreshAsync(Stopwatch.GetTimestamp(), FetchAsync);
        if (_entries.TryGetValue((kind, id), out value))
        {
            return value;
        }
        _misses.Add((kind, id));
        CharityDayTelemetry.DirectoryMisses.Add(1, new KeyValuePair<string, object?>("directory", name), new KeyValuePair<string, object?>("answer", "fetched"));
        return null;
    }

    /// <summary>Returns once a fetch that started after this call has completed.</summary>
    public Task RefreshAsync() => _gate.RefreshAsync(Stopwatch.GetTimestamp(), FetchAsync);

    private async Task FetchAsync()
    {
        var delta = await fetch(_cursor);
        CharityDayTelemetry.DirectoryFetches.Add(1, new KeyValuePair<string, object?>("directory", name));
        if (delta.Full)
        {
            var fresh = new ConcurrentDictionary<(DirectoryKind, string), string>();
            foreach (var entry in delta.Entries)
            {
                fresh[(entry.Kind, entry.Id)] = entry.Value;
            }
            _entries = fresh;
        }
        else
        {
            foreach (var entry in delta.Entries)
            {
                _entries[(entry.Kind, entry.Id)] = entry.Value;
            }
        }
        _cursor = delta.Cursor;
    }
}
