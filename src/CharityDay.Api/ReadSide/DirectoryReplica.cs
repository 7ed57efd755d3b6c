using System.Collections.Concurrent;
using System.Diagnostics;
using CharityDay.Contracts;
using CharityDay.Contracts.Telemetry;

namespace CharityDay.Api.ReadSide;

/// <summary>
/// This silo's copy of an id directory (entries are only ever added). A known id is a memory hit;
/// an id not in the copy waits for one fetch that started after it arrived, shared by every miss
/// meanwhile, so a new id is found at once and a flood of unknown ids costs at most one small
/// grain call per interval, keeps nothing per id and activates nothing.
/// </summary>
public sealed class DirectoryReplica(string name, Func<DirectoryCursor, Task<DirectoryDelta>> fetch, TimeProvider time)
{
    /// <summary>Misses arriving within this window share a fetch.</summary>
    public static readonly TimeSpan MinFetchInterval = TimeSpan.FromMilliseconds(20);

    private readonly FreshnessGate _gate = new(MinFetchInterval, time);
    private volatile ConcurrentDictionary<(DirectoryKind, string), string> _entries = new();
    private DirectoryCursor _cursor = DirectoryCursor.Start;

    public DateTimeOffset AsOf => _gate.AsOf;

    /// <summary>The id's value (a project's campaign, a key's role), or null when the directory does not have it.</summary>
    public async ValueTask<string?> FindAsync(DirectoryKind kind, string id)
    {
        if (_entries.TryGetValue((kind, id), out var value))
        {
            return value;
        }
        await _gate.RefreshAsync(Stopwatch.GetTimestamp(), FetchAsync);
        return _entries.GetValueOrDefault((kind, id));
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
