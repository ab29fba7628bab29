using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.GuardrailService.Masking;

/// <summary>One Redis hash per vault (placeholder → value) with a TTL; the key carries the tenant.</summary>
public sealed class RedisVaultStore(IConnectionMultiplexer redis, IOptionsMonitor<VaultOptions> options) : IVaultStore
{
    private const int SaveAttempts = 3;

    // KEYS: the vault's key. ARGV: TTL ms, then placeholder, value, placeholder, value, … Returns 0 when the key exists.
    // One round trip where a WATCH/MULTI transaction needs two; the script runs atomically, so a collision still never
    // merges two vaults. One HSET per field: unpack() has a stack limit a large vault could reach.
    private const string SaveScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return 1
        """;

    public async Task<string> SaveAsync(string tenant, IReadOnlyDictionary<string, string> entries, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentOutOfRangeException.ThrowIfZero(entries.Count);

        var arguments = new RedisValue[1 + 2 * entries.Count];
        arguments[0] = (long)options.CurrentValue.TimeToLive.TotalMilliseconds;
        var next = 1;
        foreach (var (placeholder, value) in entries)
        {
            arguments[next++] = placeholder;
            arguments[next++] = value;
        }
        try
        {
            // 128 random bits do not collide in practice; the script makes sure a collision can never merge two vaults.
            for (var attempt = 0; attempt < SaveAttempts; attempt++)
            {
                var vaultId = VaultId.New();
                var saved = await redis.GetDatabase().ScriptEvaluateAsync(SaveScript, [KeyFor(tenant, vaultId)], arguments).WaitAsync(cancellationToken);
                if ((long)saved == 1)
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
