using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CharityDay.Domain.Matching;

/// <summary>
/// The deterministic draw of a random ratio: a hash of (poolId, partnerId, donationId), so a
/// replay, an audit or a rebuild from the ledger reproduces the same ratio.
/// </summary>
public static class RandomRatio
{
    public static int Draw(RatioRange range, string poolId, string partnerId, string donationId)
    {
        var span = (ulong)(range.MaxBps - range.MinBps) + 1;
        // Identifiers cannot contain '\n', so the joined string is unambiguous.
        var bytes = Encoding.UTF8.GetBytes($"{poolId}\n{partnerId}\n{donationId}");
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes, hash);
        var draw = BinaryPrimitives.ReadUInt64LittleEndian(hash);
        return range.MinBps + (int)(draw % span);
    }
}
