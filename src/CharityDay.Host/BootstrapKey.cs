using CharityDay.Api.Auth;
using CharityDay.Contracts;

namespace CharityDay.Host;

/// <summary>
/// A fresh installation needs one manager key. When no unrevoked manager key exists and none is
/// configured, the host creates one and prints it once; only its hash is stored. The key directory
/// (one activation in the cluster) creates it, so several silos starting at once create one.
/// </summary>
public static class BootstrapKey
{
    /// <summary>A configured bootstrap key is a password for everything: at least this long.</summary>
    public const int MinLength = 32;

    public static async Task EnsureAsync(IGrainFactory grains, CharityDayOptions options, TimeProvider time, ILogger logger)
    {
        if (!string.IsNullOrEmpty(options.BootstrapManagerKey))
        {
            return;
        }
        var (keyId, secret) = ApiKeySecrets.Create();
        var key = new ApiKeyRecord(keyId, ApiKeySecrets.Hash(secret), Roles.Manager, null, null, time.GetUtcNow(), Revoked: false);
        if (await grains.GetGrain<IKeyDirectoryGrain>(0).CreateFirstManagerKey(key))
        {
            logger.LogWarning("Created the first manager key {KeyId}; its secret is printed once on standard output", keyId);
            Console.WriteLine($"CharityDay: first manager key (shown once, keep it safe): {secret}");
        }
    }

    /// <summary>Refuses to start with a configured bootstrap key too short to be a secret.</summary>
    public static void Validate(CharityDayOptions options)
    {
        if (options.BootstrapManagerKey is { Length: > 0 and < MinLength })
        {
            throw new InvalidOperationException(
                $"CharityDay:BootstrapManagerKey must be at least {MinLength} characters (it grants every admin right); generate one with: openssl rand -hex 32");
        }
    }
}
