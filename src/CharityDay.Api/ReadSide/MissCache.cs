using System.Collections.Concurrent;

namespace CharityDay.Api.ReadSide;

/// <summary>
/// Ids a directory copy was recently asked about and did not have, so a reader polling the same
/// unknown id (an old link, a typo in a live board) is answered from memory instead of waiting for
/// another directory fetch. Bounded twice: an entry counts for at most <c>ttl</c>, and the cache
/// never holds more than <c>capacity</c> entries — past that it starts over empty, which costs a
/// flood of random ids nothing it would not pay anyway (random ids never repeat) and keeps memory
/// flat whatever the flood. Only callers that may answer from a copy up to <c>ttl</c> old consult it
/// (public reads, SPEC §4); a write path or an admin read always asks the directory.
/// </summary>
public sealed class MissCache<TKey>(int capacity, TimeSpan ttl, TimeProvider time) where TKey : notnull
{
    private volatile ConcurrentDictionary<TKey, long> _expiresAt = new();

    public int Count => _expiresAt.Count;

    public bool Contains(TKey key)
    {
        var entries = _expiresAt;
        if (!entries.TryGetValue(key, out var expiresAt))
        {
            return false;
        }
        if (time.GetTimestamp() < expiresAt)
        {
            return true;
        }
        entries.TryRemove(new KeyValuePair<TKey, long>(key, expiresAt));
        return false;
    }

    public void Add(TKey key)
    {
        var entries = _expiresAt;
        if (entries.Count >= capacity)
        {
            // Start over rather than evict one by one: O(1), and the bound holds under any flood.
            _expiresAt = entries = new ConcurrentDictionary<TKey, long>();
        }
        entries[key] = time.GetTimestamp() + (long)(ttl.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>Forgets one id (it was just found, or created here).</summary>
    public void Remove(TKey key) => _expiresAt.TryRemove(key, out _);
}
