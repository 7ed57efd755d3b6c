using System.Collections.Concurrent;
using System.Diagnostics;
using CharityDay.Api.Http;
using CharityDay.Api.ReadSide;
using CharityDay.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

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
/// <para>
/// When the key's grain cannot be reached (its silo died and the cluster has not yet declared it
/// dead: a second or two), the last record read is used for up to <see cref="StaleIfUnreachable"/>
/// rather than failing every request of that partner on every silo: a silo failover must cost the
/// campaign on the lost silo a retry, not each partner whose key happened to live there. A revocation
/// still holds within <see cref="MaxAge"/> wherever the key's grain answers; the revocation itself
/// needs that grain to answer.
/// </para>
/// </summary>
public sealed class KeyAuthenticator(GrainReferences grains, KeyReplica directory, IOptions<AuthOptions> options, ILogger<KeyAuthenticator> logger)
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan MaxAge = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan StaleIfUnreachable = TimeSpan.FromSeconds(10);

    private readonly string? _bootstrapHash = string.IsNullOrEmpty(options.Value.BootstrapManagerKey)
        ? null
        : ApiKeySecrets.Hash(options.Value.BootstrapManagerKey);

    // One Caller (and so one principal) for the bootstrap key, built once.
    private readonly Caller _bootstrap = new(ApiKeySecrets.BootstrapKeyId, Roles.Manager, null, null);

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
            return _bootstrap;
        }
        var keyId = ApiKeySecrets.KeyIdOf(secret);
        if (keyId is null || !Domain.Identifiers.IsValid(keyId) || !await directory.ExistsAsync(keyId))
        {
            return null;
        }
        var key = await RecordOfAsync(keyId);
        if (key.Record is not { } record || record.Revoked || !ApiKeySecrets.HashesEqual(hash, record.SecretHash))
        {
            return null;
        }
        // The same Caller while the record is cached: no per-request allocation for who is calling.
        return key.Caller;
    }

    /// <summary>Drops this silo's copy of a key (revoked here): the next request reads the grain.</summary>
    public void Forget(string keyId) => _keys.TryRemove(keyId, out _);

    private async ValueTask<CachedKey> RecordOfAsync(string keyId)
    {
        if (_keys.TryGetValue(keyId, out var cached))
        {
            var age = Stopwatch.GetElapsedTime(cached.FetchedAt);
            if (age < FreshFor)
            {
                return cached;
            }
            if (age < MaxAge)
            {
                RefreshInBackground(keyId, cached);
                return cached;
            }
            if (age < StaleIfUnreachable)
            {
                try
                {
                    return await FetchAsync(keyId);
                }
                catch (Exception error) when (error is OrleansException or TimeoutException)
                {
                    logger.LogWarning("Key {KeyId}: its grain is unreachable ({Error}); using the record read {AgeMs} ms ago",
                        keyId, error.GetType().Name, (long)age.TotalMilliseconds);
                    return cached;
                }
            }
        }
        return await FetchAsync(keyId);
    }

    private async Task<CachedKey> FetchAsync(string keyId)
    {
        var started = Stopwatch.GetTimestamp();
        var record = await grains.ApiKey(keyId).Get();
        var fetched = new CachedKey(record, CallerOf(record), started, 0);
        _keys.AddOrUpdate(keyId, _ => fetched, (_, current) => current.FetchedAt > started ? current : fetched);
        return fetched;
    }

    private static Caller? CallerOf(ApiKeyRecord? key) =>
        key is null ? null : new Caller(key.KeyId, key.Role, key.PartnerId, key.CampaignIds);

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

    private sealed record CachedKey(ApiKeyRecord? Record, Caller? Caller, long FetchedAt, int Refreshing);
}
