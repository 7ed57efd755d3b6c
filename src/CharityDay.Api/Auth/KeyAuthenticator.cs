using CharityDay.Api.Http;
using CharityDay.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CharityDay.Api.Auth;

public sealed class AuthOptions
{
    /// <summary>CharityDay:BootstrapManagerKey — when set, this secret is a manager key for all campaigns.</summary>
    public string? BootstrapManagerKey { get; set; }
}

/// <summary>Bearer-key authentication. Every request asks the key's grain, so a revocation holds on every silo at once.</summary>
public sealed class KeyAuthenticator(GrainReferences grains, IOptions<AuthOptions> options)
{
    private readonly string? _bootstrapHash = string.IsNullOrEmpty(options.Value.BootstrapManagerKey)
        ? null
        : ApiKeySecrets.Hash(options.Value.BootstrapManagerKey);

    public async Task<Caller?> AuthenticateAsync(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var secret = header["Bearer ".Length..].Trim();
        if (secret.Length is 0 or > 512)
        {
            return null;
        }
        var hash = ApiKeySecrets.Hash(secret);
        if (_bootstrapHash is not null && ApiKeySecrets.HashesEqual(hash, _bootstrapHash))
        {
            return new Caller(ApiKeySecrets.BootstrapKeyId, Roles.Manager, null, null);
        }
        var keyId = ApiKeySecrets.KeyIdOf(secret);
        if (keyId is null || !Domain.Identifiers.IsValid(keyId))
        {
            return null;
        }
        var key = await grains.ApiKey(keyId).Get();
        if (key is null || key.Revoked || !ApiKeySecrets.HashesEqual(hash, key.SecretHash))
        {
            return null;
        }
        return new Caller(key.KeyId, key.Role, key.PartnerId, key.CampaignIds);
    }
}
