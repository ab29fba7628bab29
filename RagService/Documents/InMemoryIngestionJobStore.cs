using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace AiAspire.RagService.Documents;

/// <summary>Job status in this process only (no Redis configured): a restart forgets it; the retention limits still apply.</summary>
public sealed class InMemoryIngestionJobStore(IOptions<IngestionOptions> options, TimeProvider time) : IIngestionJobStore
{
    private readonly ConcurrentDictionary<string, (IngestionJobRecord Record, DateTimeOffset ExpiresAt)> _records = new(StringComparer.Ordinal);

    public Task SaveAsync(IngestionJobRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var now = time.GetUtcNow();
        _records[record.Status.Id] = (record, now + options.Value.JobRetention);
        if (_records.Count > options.Value.MaxRetainedJobs)
        {
            // Forget expired records, then the oldest finished ones beyond the limit; unfinished ones are bounded by the queue.
            foreach (var (id, (stored, expiresAt)) in _records
                .OrderBy(pair => pair.Value.ExpiresAt <= now ? 0 : 1)
                .ThenBy(pair => pair.Value.Record.Status.CreatedAt)
                .Where(pair => pair.Value.ExpiresAt <= now || pair.Value.Record.Status.FinishedAt is not null)
                .Take(_records.Count - options.Value.MaxRetainedJobs)
                .ToList())
            {
                _records.TryRemove(id, out _);
            }
        }
        return Task.CompletedTask;
    }

    public Task<IngestionJobRecord?> FindAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(_records.TryGetValue(id, out var stored) && stored.ExpiresAt > time.GetUtcNow() ? stored.Record : null);
}
