using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.GuardrailService.Masking;

/// <summary>One Redis hash per vault (placeholder → value) with a TTL; the key carries the tenant.</summary>
public sealed class RedisVaultStore(IConnectionMultiplexer redis, IOptionsMonitor<VaultOptions> options) : IVaultStore
{
    private const int SaveAttempts = 3;

    public async Task<string> SaveAsync(string tenant, IReadOnlyDictionary<string, string> entries, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentOutOfRangeException.ThrowIfZero(entries.Count);

        var fields = entries.Select(entry => new HashEntry(entry.Key, entry.Value)).ToArray();
        var ttl = options.CurrentValue.TimeToLive;
        try
        {
            // 128 random bits do not collide in practice; the condition makes sure a collision can never merge two vaults.
            for (var attempt = 0; attempt < SaveAttempts; attempt++)
            {
                var vaultId = VaultId.New();
                var key = KeyFor(tenant, vaultId);
                var transaction = redis.GetDatabase().CreateTransaction();
                transaction.AddCondition(Condition.KeyNotExists(key));
                _ = transaction.HashSetAsync(key, fields);
                _ = transaction.KeyExpireAsync(key, ttl);
                if (await transaction.ExecuteAsync().WaitAsync(cancellationToken))
                {
                    return vaultId;
                }
            }
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            throw new VaultUnavailableException("The PII vault store is unavailable.", ex);
        }
        throw new InvalidOperationException($"No free vault id after {SaveAttempts} attempts.");
    }

    public async Task<IReadOnlyDictionary<string, string>?> LoadAsync(string tenant, string vaultId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        if (!VaultId.TryNormalize(vaultId, out var normalized))
        {
            return null;
        }

        HashEntry[] fields;
        try
        {
            fields = await redis.GetDatabase().HashGetAllAsync(KeyFor(tenant, normalized)).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            throw new VaultUnavailableException("The PII vault store is unavailable.", ex);
        }
        return fields.Length == 0
            ? null
            : fields.ToDictionary(field => field.Name.ToString(), field => field.Value.ToString(), StringComparer.Ordinal);
    }

    /// <summary>The tenant is part of the key, so another tenant's vault id simply finds nothing.</summary>
    internal static RedisKey KeyFor(string tenant, string vaultId) => $"aiaspire:guard:vault:{tenant}:{vaultId}";
}
