using CharityDay.Contracts;

namespace CharityDay.Grains.Catalog;

/// <summary>
/// The in-memory, append-only list of a directory's entries, read by silos from a cursor. A new
/// activation starts a new epoch with everything that is persisted, so a copy made from another
/// activation starts over instead of missing what changed in between.
/// </summary>
public sealed class DirectoryLog
{
    private readonly List<DirectoryEntry> _entries = [];
    private readonly Guid _epoch = Guid.NewGuid();

    public void Add(DirectoryEntry entry) => _entries.Add(entry);

    public DirectoryDelta Since(DirectoryCursor cursor)
    {
        var end = new DirectoryCursor(_epoch, _entries.Count);
        if (cursor.Epoch != _epoch || cursor.Version > _entries.Count)
        {
            return new DirectoryDelta(end, Full: true, [.. _entries]);
        }
        return new DirectoryDelta(end, Full: false, _entries.GetRange((int)cursor.Version, _entries.Count - (int)cursor.Version));
    }
}
