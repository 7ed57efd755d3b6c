using System.Security.Cryptography;
using System.Text;

namespace CharityDay.Domain.Transparency;

/// <summary>
/// SPEC §6: an event names its donor only as hex SHA-256 of UTF-8 (partnerId + "\n" + donorId), so
/// publishing events never publishes a donor; a partner (who knows its donor ids) can recompute it.
/// </summary>
public static class DonorHash
{
    public static string Of(string partnerId, string donorId)
    {
        var length = Encoding.UTF8.GetByteCount(partnerId) + 1 + Encoding.UTF8.GetByteCount(donorId);
        var bytes = length <= 512 ? stackalloc byte[length] : new byte[length];
        var written = Encoding.UTF8.GetBytes(partnerId, bytes);
        bytes[written++] = (byte)'\n';
        Encoding.UTF8.GetBytes(donorId, bytes[written..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes, hash);
        return Convert.ToHexStringLower(hash);
    }
}
