using CharityDay.Api.Auth;
using CharityDay.Contracts;

namespace CharityDay.Host;

/// <summary>
/// A fresh installation needs one manager key. When none exists and none is configured, the host
/// creates one and prints it once; only its hash is stored.
/// </summary>
public static class BootstrapKey
{
    public static async Task EnsureAsync(IGrainFactory grains, CharityDayOptions options, TimeProvider time, ILogger logger)
    {
        if (!string.IsNullOrEmpty(options.BootstrapManagerKey))
        {
            return;
        }
        var directory = grains.GetGrain<IKeyDirectoryGrain>(0);
        if (await directory.HasManagerKey())
        {
            return;
        }
        var (keyId, secret) = ApiKeySecrets.Create();
        await grains.GetGrain<IApiKeyGrain>(keyId).Create(
            new ApiKeyRecord(keyId, ApiKeySecrets.Hash(secret), Roles.Manager, null, null, time.GetUtcNow(), Revoked: false));
        logger.LogWarning("Created the first manager key {KeyId}; its secret is printed once on standard output", keyId);
        Console.WriteLine($"CharityDay: first manager key (shown once, keep it safe): {secret}");
    }
}
