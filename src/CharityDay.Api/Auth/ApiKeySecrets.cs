using System.Security.Cryptography;
using System.Text;

namespace CharityDay.Api.Auth;

/// <summary>
/// Secrets look like <c>cd_{keyId}_{random}</c>: the key id inside lets a request find its key
/// without an index of hashes. Only the SHA-256 of a secret is stored; the random part has 256
/// bits, so a fast hash is enough.
/// </summary>
public static class ApiKeySecrets
{
    public const string BootstrapKeyId = "bootstrap";

    public static (string KeyId, string Secret) Create()
    {
        var keyId = "k" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = $"cd_{keyId}_{Base64Url(RandomNumberGenerator.GetBytes(32))}";
        return (keyId, secret);
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static string? KeyIdOf(string secret)
    {
        var parts = secret.Split('_', 3);
        return parts.Length == 3 && parts[0] == "cd" && parts[1].Length > 0 ? parts[1] : null;
    }

    public static bool HashesEqual(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '-');
}
