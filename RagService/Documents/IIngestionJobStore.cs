namespace AiAspire.RagService.Documents;

/// <summary>
/// Where ingestion job status is kept for <c>GET /api/ingestions/{id}</c>: <see cref="RedisIngestionJobStore"/> when Redis is
/// configured (any replica answers, and a restart keeps it), otherwise <see cref="InMemoryIngestionJobStore"/>.
/// </summary>
public interface IIngestionJobStore
{
    /// <summary>Stores the record, replacing the job's previous one; it expires after the configured retention.</summary>
    Task SaveAsync(IngestionJobRecord record, CancellationToken cancellationToken);

    Task<IngestionJobRecord?> FindAsync(string id, CancellationToken cancellationToken);
}
