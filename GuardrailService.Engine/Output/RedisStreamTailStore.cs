using AiAspire.GuardrailService.Masking;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.GuardrailService.Output;

/// <summary>
/// One Redis string per stream with a TTL, in the vault's Redis; the key carries the tenant. <see cref="TakeAsync"/> is
/// GETDEL (Redis 6.2 or later).
/// </summary>
public sealed class RedisStreamTailStore(IConnectionMultiplexer redis, IOptionsMonitor<StreamTailOptions> options) : IStreamTailStore
{
    public async Task<string?> LoadAsync(string tenant, string streamId, CancellationToken cancellationToken)
    {
        var value = await Run(() => redis.GetDatabase().StringGetAsync(KeyFor(tenant, streamId)), cancellationToken);
        return value.IsNull ? null : value.ToString();
    }

    public async Task<string?> TakeAsync(string tenant, string streamId, CancellationToken cancellationToken)
    {
        var value = await Run(() => redis.GetDatabase().StringGetDeleteAsync(KeyFor(tenant, streamId)), cancellationToken);
        return value.IsNull ? null : value.ToString();
    }

    public Task SaveAsync(string tenant, string streamId, string tail, CancellationToken cancellationToken) =>
        Run(() => redis.GetDatabase().StringSetAsync(KeyFor(tenant, streamId), tail, options.CurrentValue.TimeToLive), cancellationToken);

    public Task DeleteAsync(string tenant, string streamId, CancellationToken cancellationToken) =>
        Run(() => redis.GetDatabase().KeyDeleteAsync(KeyFor(tenant, streamId)), cancellationToken);

    private static async Task<T> Run<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await operation().WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            throw new VaultUnavailableException("The guard's stream state store is unavailable.", ex);
        }
    }

    /// <summary>The tenant is part of the key, so another tenant's stream id finds nothing.</summary>
    internal static RedisKey KeyFor(string tenant, string streamId) => $"aiaspire:guard:stream:{tenant}:{streamId}";
}
