using System.Security.Cryptography;
using CharityDay.Domain.Transparency;
using CsCheck;
using Xunit;

namespace CharityDay.Domain.Tests.Transparency;

/// <summary>SPEC §6's Merkle trees are RFC 6962's: the published test vectors, a naive model, and every audit path.</summary>
public sealed class MerkleTreeTests
{
    // The Certificate Transparency reference inputs and the roots of their first 1…8 leaves (RFC 6962 trees).
    private static readonly string[] VectorLeaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

    private static readonly string[] VectorRoots =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    private static List<byte[]> Leaves(int n) => [.. VectorLeaves.Take(n).Select(h => MerkleTree.LeafHash(Convert.FromHexString(h)))];

    [Fact]
    public void Roots_equal_the_RFC_6962_reference_vectors_for_every_size_from_1_to_8()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", MerkleTree.Hex(MerkleTree.Root([])));
        for (var n = 1; n <= 8; n++)
        {
            Assert.Equal(VectorRoots[n - 1], MerkleTree.Hex(MerkleTree.Root(Leaves(n))));
        }
    }

    [Fact]
    public void Audit_paths_equal_the_reference_inclusion_proofs()
    {
        Assert.Equal(
            ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"],
            MerkleTree.AuditPath(Leaves(8), 0).Select(h => MerkleTree.Hex(h)));
        Assert.Equal(
            ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"],
            MerkleTree.AuditPath(Leaves(8), 5).Select(h => MerkleTree.Hex(h)));
        Assert.Equal(["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"], MerkleTree.AuditPath(Leaves(3), 2).Select(h => MerkleTree.Hex(h)));
    }

    /// <summary>RFC 6962 §2.1 as written: MTH(D[n]) = HASH(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n])), k the largest power of two below n.</summary>
    private static byte[] NaiveRoot(IReadOnlyList<byte[]> leaves)
    {
        if (leaves.Count == 1)
        {
            return leaves[0];
        }
        var k = 1;
        while (k * 2 < leaves.Count)
        {
            k *= 2;
        }
        return SHA256.HashData([0x01, .. NaiveRoot([.. leaves.Take(k)]), .. NaiveRoot([.. leaves.Skip(k)])]);
    }

    private static readonly Gen<List<byte[]>> AnyLeaves =
        Gen.Int[1, 200].SelectMany(n => Gen.Byte.Array[0, 40].List[n, n]).Select(data => data.Select(d => MerkleTree.LeafHash(d)).ToList());

    [Fact]
    public void Root_equals_the_naive_recursive_model_for_any_size() =>
        AnyLeaves.Sample(leaves => Assert.Equal(MerkleTree.Hex(NaiveRoot(leaves)), MerkleTree.Hex(MerkleTree.Root(leaves))), iter: 200);

    [Fact]
    public void Every_index_audit_path_leads_to_the_root_and_any_flipped_bit_does_not() =>
        Gen.Select(AnyLeaves, Gen.Int[0, int.MaxValue], Gen.Int[0, 7]).Sample((leaves, pick, bit) =>
        {
            var root = MerkleTree.Root(leaves);
            for (var i = 0; i < leaves.Count; i++)
            {
                var path = MerkleTree.AuditPath(leaves, i);
                Assert.Equal(root, MerkleTree.RootFromPath(leaves[i], i, leaves.Count, path));
            }
            var index = pick % leaves.Count;
            var good = MerkleTree.AuditPath(leaves, index);
            // A flipped bit in the leaf…
            var leaf = (byte[])leaves[index].Clone();
            leaf[pick % leaf.Length] ^= (byte)(1 << bit);
            Assert.NotEqual(root, MerkleTree.RootFromPath(leaf, index, leaves.Count, good));
            // …or in any hash of the path never leads to the root.
            for (var p = 0; p < good.Count; p++)
            {
                var path = good.Select(h => (byte[])h.Clone()).ToList();
                path[p][pick % MerkleTree.HashBytes] ^= (byte)(1 << bit);
                Assert.NotEqual(root, MerkleTree.RootFromPath(leaves[index], index, leaves.Count, path));
            }
            // A path claimed for another index or tree size does not verify either (unless the shape is the same leaf).
            if (leaves.Count > 1)
            {
                var other = (index + 1) % leaves.Count;
                Assert.NotEqual(root, MerkleTree.RootFromPath(leaves[index], other, leaves.Count, good));
            }
        }, iter: 100);

    [Fact]
    public void A_path_of_the_wrong_length_is_refused()
    {
        var leaves = Leaves(5);
        var path = MerkleTree.AuditPath(leaves, 1).ToList();
        Assert.Null(MerkleTree.RootFromPath(leaves[1], 1, 5, path[..^1]));
        Assert.Null(MerkleTree.RootFromPath(leaves[1], 1, 5, [.. path, path[0]]));
        Assert.Null(MerkleTree.RootFromPath(leaves[1], 5, 5, path));
    }
}
