using System.Security.Cryptography;

namespace CharityDay.Domain.Transparency;

/// <summary>
/// One sealed checkpoint of a campaign's ledger (SPEC §6): the Merkle <see cref="Root"/> over events
/// <see cref="FirstEvent"/>…<see cref="LastEvent"/> (<see cref="Count"/> of them, in seq order), chained
/// by <see cref="Hash"/> = SHA-256(prevHash ‖ root) over the raw 32-byte values. Hashes are lowercase hex.
/// </summary>
public sealed record Checkpoint(long Seq, long FirstEvent, long LastEvent, long Count, string Root, string PrevHash, string Hash, DateTimeOffset SealedAt);

/// <summary>Sealing and checking checkpoints: the one place the chain's arithmetic lives (the sealer, the host verb and the verifier share it).</summary>
public static class CheckpointChain
{
    /// <summary>The first checkpoint's prevHash: 32 zero bytes.</summary>
    public static readonly string GenesisHash = new('0', 2 * MerkleTree.HashBytes);

    public static string Hash(string prevHashHex, string rootHex)
    {
        Span<byte> input = stackalloc byte[2 * MerkleTree.HashBytes];
        Convert.FromHexString(prevHashHex).CopyTo(input);
        Convert.FromHexString(rootHex).CopyTo(input[MerkleTree.HashBytes..]);
        return MerkleTree.Hex(SHA256.HashData(input));
    }

    /// <summary>The checkpoint after <paramref name="previous"/> (null: the first) over the given events, which must be the next ones in seq order.</summary>
    public static Checkpoint Seal(Checkpoint? previous, IReadOnlyList<LedgerEvent> events, DateTimeOffset sealedAt)
    {
        if (events.Count == 0)
        {
            throw new ArgumentException("an interval without events seals no checkpoint", nameof(events));
        }
        var expected = (previous?.LastEvent ?? 0) + 1;
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Seq != expected + i)
            {
                throw new ArgumentException($"event {expected + i} is missing: the events to seal must follow the last sealed one without a gap", nameof(events));
            }
        }
        var root = MerkleTree.Hex(MerkleTree.Root([.. events.Select(e => LedgerEvents.LeafHash(e.Json))]));
        var prevHash = previous?.Hash ?? GenesisHash;
        return new Checkpoint((previous?.Seq ?? 0) + 1, expected, events[^1].Seq, events.Count, root, prevHash, Hash(prevHash, root), sealedAt);
    }

    /// <summary>Why <paramref name="checkpoint"/> does not follow <paramref name="previous"/> in the chain, or null when it does.</summary>
    public static string? Follows(Checkpoint? previous, Checkpoint checkpoint)
    {
        var seq = (previous?.Seq ?? 0) + 1;
        if (checkpoint.Seq != seq)
        {
            return $"expected checkpoint {seq}, found {checkpoint.Seq}: a checkpoint is missing";
        }
        if (checkpoint.PrevHash != (previous?.Hash ?? GenesisHash))
        {
            return "prevHash is not the previous checkpoint's hash";
        }
        if (MerkleTree.ParseHash(checkpoint.Root) is null || MerkleTree.ParseHash(checkpoint.PrevHash) is null)
        {
            return "root or prevHash is not 32 bytes of hex";
        }
        if (checkpoint.Hash != Hash(checkpoint.PrevHash, checkpoint.Root))
        {
            return "hash is not SHA-256(prevHash ‖ root)";
        }
        if (checkpoint.FirstEvent != (previous?.LastEvent ?? 0) + 1)
        {
            return $"firstEvent {checkpoint.FirstEvent} does not follow the previous checkpoint's lastEvent {previous?.LastEvent ?? 0}";
        }
        if (checkpoint.Count < 1 || checkpoint.LastEvent - checkpoint.FirstEvent + 1 != checkpoint.Count)
        {
            return $"count {checkpoint.Count} is not the number of events {checkpoint.FirstEvent}…{checkpoint.LastEvent}";
        }
        return null;
    }

    /// <summary>Why the stored events do not make <paramref name="checkpoint"/>'s root, or null when they do.</summary>
    public static string? Covers(Checkpoint checkpoint, IReadOnlyList<LedgerEvent> events)
    {
        if (events.Count != checkpoint.Count)
        {
            return $"{events.Count} stored events for a checkpoint of {checkpoint.Count}: an event is missing or extra";
        }
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Seq != checkpoint.FirstEvent + i)
            {
                return $"event {checkpoint.FirstEvent + i} is missing";
            }
        }
        var root = MerkleTree.Hex(MerkleTree.Root([.. events.Select(e => LedgerEvents.LeafHash(e.Json))]));
        return root == checkpoint.Root ? null : "the stored events do not hash to the checkpoint's root: an event was changed";
    }
}
