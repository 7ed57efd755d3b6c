using System.Security.Cryptography;

namespace CharityDay.Domain.Transparency;

/// <summary>
/// RFC 6962 (§2.1) Merkle trees, as SPEC §6 seals ledger events: leaf = SHA-256(0x00 ‖ data),
/// node = SHA-256(0x01 ‖ left ‖ right), and a tree of n leaves splits at the largest power of two
/// below n (so the left subtree is always complete). The audit path is RFC 6962's PATH(m, D[n]),
/// checked with RFC 9162 §2.1.3.2's algorithm: anyone can recompute the root from one leaf.
/// </summary>
public static class MerkleTree
{
    public const int HashBytes = 32;

    public static byte[] LeafHash(ReadOnlySpan<byte> data)
    {
        var input = new byte[data.Length + 1];
        input[0] = 0x00;
        data.CopyTo(input.AsSpan(1));
        return SHA256.HashData(input);
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> input = stackalloc byte[1 + (2 * HashBytes)];
        input[0] = 0x01;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + HashBytes)..]);
        return SHA256.HashData(input);
    }

    /// <summary>The Merkle tree hash of the leaves (given as their leaf hashes). An empty tree is SHA-256 of nothing.</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leafHashes)
    {
        if (leafHashes.Count == 0)
        {
            return SHA256.HashData([]);
        }
        // Bottom-up, level by level: pairing left to right and carrying an odd last node up unchanged
        // builds exactly RFC 6962's shape (the left subtree of every split is the largest complete one).
        var level = leafHashes.ToArray();
        while (level.Length > 1)
        {
            var next = new byte[(level.Length + 1) / 2][];
            for (var i = 0; i < level.Length / 2; i++)
            {
                next[i] = NodeHash(level[2 * i], level[(2 * i) + 1]);
            }
            if (level.Length % 2 == 1)
            {
                next[^1] = level[^1];
            }
            level = next;
        }
        return level[0];
    }

    /// <summary>RFC 6962 PATH(index, leaves): the sibling hashes from the leaf up to the root, nearest first.</summary>
    public static IReadOnlyList<byte[]> AuditPath(IReadOnlyList<byte[]> leafHashes, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, leafHashes.Count);
        var path = new List<byte[]>();
        var level = leafHashes.ToArray();
        var i = index;
        while (level.Length > 1)
        {
            var sibling = i ^ 1;
            // An odd last node has no sibling on this level: it rises unchanged and adds nothing to the path.
            if (sibling < level.Length)
            {
                path.Add(level[sibling]);
            }
            var next = new byte[(level.Length + 1) / 2][];
            for (var k = 0; k < level.Length / 2; k++)
            {
                next[k] = NodeHash(level[2 * k], level[(2 * k) + 1]);
            }
            if (level.Length % 2 == 1)
            {
                next[^1] = level[^1];
            }
            level = next;
            i /= 2;
        }
        return path;
    }

    /// <summary>
    /// RFC 9162 §2.1.3.2: the root a leaf and its audit path lead to, or null when the path cannot
    /// belong to a tree of <paramref name="count"/> leaves at <paramref name="index"/> (wrong length).
    /// </summary>
    public static byte[]? RootFromPath(ReadOnlySpan<byte> leafHash, long index, long count, IReadOnlyList<byte[]> path)
    {
        if (index < 0 || index >= count)
        {
            return null;
        }
        long fn = index, sn = count - 1;
        var r = leafHash.ToArray();
        foreach (var p in path)
        {
            if (p.Length != HashBytes || sn == 0)
            {
                return null;
            }
            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                r = NodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 ? r : null;
    }

    public static string Hex(ReadOnlySpan<byte> hash) => Convert.ToHexStringLower(hash);

    /// <summary>Lowercase or uppercase hex of exactly 32 bytes, or null.</summary>
    public static byte[]? ParseHash(string? hex)
    {
        if (hex is not { Length: 2 * HashBytes })
        {
            return null;
        }
        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
