using System.Text;
using System.Text.Json.Nodes;
using CharityDay.Domain.Audit;

namespace CharityDay.Domain.Transparency;

/// <summary>
/// SPEC §6's receipt for one event: the event, its leaf hash, the checkpoint that sealed it, its
/// 0-based index there, the checkpoint's event count, the RFC 6962 audit path and the root.
/// </summary>
public sealed record Receipt(string EventJson, string LeafHash, long Checkpoint, long Index, long Count, IReadOnlyList<string> Path, string Root)
{
    /// <summary>The receipt of the event at <paramref name="index"/> among the checkpoint's events (in seq order).</summary>
    public static Receipt For(Checkpoint checkpoint, IReadOnlyList<byte[]> leafHashes, int index, string eventJson) =>
        new(eventJson, MerkleTree.Hex(leafHashes[index]), checkpoint.Seq, index, checkpoint.Count,
            [.. MerkleTree.AuditPath(leafHashes, index).Select(h => MerkleTree.Hex(h))], checkpoint.Root);

    /// <summary>
    /// Checks a receipt from the event alone: the event's canonical JSON gives the leaf, the path gives the
    /// root, and that root must be the given one (the checkpoint's, as published). Null when it holds.
    /// </summary>
    public static string? Check(JsonNode? eventNode, string? leafHash, long index, long count, IReadOnlyList<string> path, string? root)
    {
        if (eventNode is not JsonObject)
        {
            return "the receipt has no event";
        }
        string canonical;
        try
        {
            canonical = CanonicalJson.Serialize(eventNode);
        }
        catch (ArgumentException e)
        {
            return $"the event cannot be put in canonical form: {e.Message}";
        }
        var leaf = MerkleTree.LeafHash(Encoding.UTF8.GetBytes(canonical));
        if (leafHash is not null && MerkleTree.Hex(leaf) != leafHash)
        {
            return "leafHash is not SHA-256(0x00 ‖ the event's canonical JSON)";
        }
        var pathBytes = new List<byte[]>();
        foreach (var hex in path)
        {
            if (MerkleTree.ParseHash(hex) is not { } hash)
            {
                return "a path entry is not 32 bytes of hex";
            }
            pathBytes.Add(hash);
        }
        var computed = MerkleTree.RootFromPath(leaf, index, count, pathBytes);
        if (computed is null)
        {
            return $"the path has the wrong length for index {index} of {count}";
        }
        return MerkleTree.Hex(computed) == root ? null : "the root recomputed from the event and the path is not the checkpoint's root";
    }
}
