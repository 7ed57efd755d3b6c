using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CharityDay.Domain.Matching;

/// <summary>
/// The deterministic but unpredictable draw of a random ratio (SPEC §3): an HMAC of
/// (poolId, partnerId, donationId) keyed by the pool's secret seed, so a replay, an audit or a rebuild
/// from the ledger reproduces the draw, and nobody without the seed can search for ids that draw high.
/// </summary>
public static class RandomRatio
{
    public const int SeedBytes = 32;

    public static string NewSeed() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SeedBytes));

    public static int Draw(RatioRange range, byte[] seed, string poolId, string partnerId, string donationId)
    {
        var span = (ulong)(range.MaxBps - range.MinBps) + 1;
        // Identifiers cannot contain '\n', so the joined string is unambiguous.
        var message = Encoding.UTF8.GetBytes($"{poolId}\n{partnerId}\n{donationId}");
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(seed, message, hash);
        var draw = BinaryPrimitives.ReadUInt64BigEndian(hash);
        return range.MinBps + (int)(draw % span);
    }
}
