using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace AiAspire.RagService.Documents;

/// <summary>
/// Large uploads wait here for <see cref="IngestionWorker"/>: a bounded queue (a full queue refuses, it never blocks a request)
/// and the recent jobs by id, kept in memory: a restart forgets job progress, never stored documents.
/// </summary>
public sealed class IngestionQueue
{
    private readonly Channel<IngestionJob> _channel;
    private readonly ConcurrentDictionary<string, IngestionJob> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly TimeProvider _time;
    private readonly int _maxRetained;

    public IngestionQueue(IOptions<IngestionOptions> options, TimeProvider time)
    {
        _time = time;
        _maxRetained = options.Value.MaxRetainedJobs;
        _channel = Channel.CreateBounded<IngestionJob>(new BoundedChannelOptions(options.Value.MaxQueuedJobs) { SingleReader = true });
    }

    internal ChannelReader<IngestionJob> Reader => _channel.Reader;

    /// <summary>The job's id, or null when the queue is full.</summary>
    internal IngestionJob? TryEnqueue(string tenant, IReadOnlyList<DocumentToIngest> documents)
    {
        var job = new IngestionJob("ing-" + Guid.NewGuid().ToString("N"), tenant, documents, _time.GetUtcNow());
        _jobs[job.Id] = job;
        if (!_channel.Writer.TryWrite(job))
        {
            _jobs.TryRemove(job.Id, out _);
            return null;
        }
        _order.Enqueue(job.Id);
        Trim();
        return job;
    }

    /// <summary>The job, only for the tenant that started it.</summary>
    internal IngestionJob? Find(string tenant, string id) =>
        _jobs.TryGetValue(id, out var job) && job.Tenant == tenant ? job : null;

    /// <summary>Forgets the oldest finished jobs beyond the retention limit; unfinished ones are kept (the queue bounds them).</summary>
    private void Trim()
    {
        for (var attempts = _order.Count; _jobs.Count > _maxRetained && attempts > 0 && _order.TryDequeue(out var oldest); attempts--)
        {
            if (_jobs.TryGetValue(oldest, out var job) && !job.IsFinished)
            {
                _order.Enqueue(oldest);
                continue;
            }
            _jobs.TryRemove(oldest, out _);
        }
    }
}
