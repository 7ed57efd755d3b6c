using System.Collections.Concurrent;
using System.Diagnostics;
using CharityDay.Api.Http;
using CharityDay.Api.ReadSide;
using CharityDay.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CharityDay.Api.Auth;

public sealed class AuthOptions
{
    /// <summary>CharityDay:BootstrapManagerKey — when set, this secret is a manager key for all campaigns.</summary>
    public string? BootstrapManagerKey { get; set; }
}

/// <summary>
/// Bearer-key authentication, answered from this silo's memory on the hot path. A key id the key
/// directory does not have is refused without touching its grain. A known key's record is kept for
/// at most <see cref="MaxAge"/> (refreshed in the background after <see cref="FreshFor"/> while it is
/// used), so a revocation holds on every silo within <see cref="MaxAge"/> and at once on the silo
/// that revoked it (<see cref="Forget"/>).
/// </summary>
public sealed class KeyAuthenticator(GrainReferences grains, KeyReplica directory, IOptions<AuthOptions> options)
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan MaxAge = TimeSpan.FromMilliseconds(500);

    private readonly string? _bootstrapHash = string.IsNullOrEmpty(options.Value.BootstrapManagerKey)
        ? null
        : ApiKeySecrets.Hash(options.Value.BootstrapManagerKey);

    // Bounded by the number of keys that exist: only ids the directory knows get an entry.
    private readonly ConcurrentDictionary<string, CachedKey> _keys = new(StringComparer.Ordinal);

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
        if (keyId is null || !Domain.Identifiers.IsValid(keyId) || !await directory.ExistsAsync(keyId))
        {
            return null;
        }
        var key = await RecordOfAsync(keyId);
        if (key is null || key.Revoked || !ApiKeySecrets.HashesEqual(hash, key.SecretHash))
        {
            return null;
        }
        return new Caller(key.KeyId, key.Role, key.PartnerId, key.CampaignIds);
    }

    /// <summary>Drops this silo's copy of a key (revoked here): the next request reads the grain.</summary>
    public void Forget(string keyId) => _keys.TryRemove(keyId, out _);

    private async ValueTask<ApiKeyRecord?> RecordOfAsync(string keyId)
    {
        if (_keys.TryGetValue(keyId, out var cached))
        {
            var age = Stopwatch.GetElapsedTime(cached.FetchedAt);
            if (age < FreshFor)
            {
                return cached.Record;
            }
            if (age < MaxAge)
            {
                RefreshInBackground(keyId, cached);
                return cached.Record;
            }
        }
        return await FetchAsync(keyId);
    }

    private async Task<ApiKeyRecord?> FetchAsync(string keyId)
    {
        var started = Stopwatch.GetTimestamp();
        var record = await grains.ApiKey(keyId).Get();
        _keys.AddOrUpdate(keyId, _ => new CachedKey(record, started, 0),
            (_, current) => current.FetchedAt > started ? current : new CachedKey(record, started, 0));
        return record;
    }

    private void RefreshInBackground(string keyId, CachedKey cached)
    {
        // One refresh per key at a time: the entry is marked, and whoever marks it refreshes.
        if (cached.Refreshing == 1 || !_keys.TryUpdate(keyId, cached with { Refreshing = 1 }, cached))
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await FetchAsync(keyId);
            }
            catch
            {
                // The next request past MaxAge fetches (and reports a failure) itself.
                _keys.TryUpdate(keyId, cached, cached with { Refreshing = 1 });
            }
        });
    }

    private sealed record CachedKey(ApiKeyRecord? Record, long FetchedAt, int Refreshing);
}
