using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.RagService.Documents;

/// <summary>Job status in Redis (one JSON string per job, expiring after <see cref="IngestionOptions.JobRetention"/>), shared by every replica.</summary>
public sealed class RedisIngestionJobStore(IConnectionMultiplexer redis, IOptions<IngestionOptions> options) : IIngestionJobStore
{
    public const string KeyPrefix = "aiaspire:rag:ingestion:";

    public async Task SaveAsync(IngestionJobRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await redis.GetDatabase().StringSetAsync(KeyPrefix + record.Status.Id,
            JsonSerializer.Serialize(record, DocumentsJsonContext.Default.IngestionJobRecord), options.Value.JobRetention);
    }

    public async Task<IngestionJobRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var value = await redis.GetDatabase().StringGetAsync(KeyPrefix + id);
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize((string)value!, DocumentsJsonContext.Default.IngestionJobRecord);
    }
}
