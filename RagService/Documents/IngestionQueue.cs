using System.Collections.Concurrent;
using System.Threading.Channels;
using AiAspire.Contracts.Rag;
using Microsoft.Extensions.Options;

namespace AiAspire.RagService.Documents;

/// <summary>
/// Large uploads wait here for <see cref="IngestionWorker"/>: a bounded queue (a full queue refuses, it never blocks a request).
/// Job status goes to the <see cref="IIngestionJobStore"/> (Redis when configured, so any replica answers) at every step,
/// under a lease this replica renews while the job is unfinished: a job whose replica crashed is reported as failed once
/// its lease runs out, never as running forever. This replica's own unfinished jobs are answered from memory.
/// </summary>
public sealed partial class IngestionQueue
{
    public const string Interrupted = "Interrupted: the replica running this ingestion stopped before it finished; the documents listed were stored, the rest were not.";

    private readonly Channel<IngestionJob> _channel;
    private readonly ConcurrentDictionary<string, IngestionJob> _unfinished = new(StringComparer.Ordinal);
    private readonly IIngestionJobStore _store;
    private readonly IOptions<IngestionOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<IngestionQueue> _logger;

    public IngestionQueue(IIngestionJobStore store, IOptions<IngestionOptions> options, TimeProvider time, ILogger<IngestionQueue> logger)
    {
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
        _channel = Channel.CreateBounded<IngestionJob>(new BoundedChannelOptions(options.Value.MaxQueuedJobs) { SingleReader = true });
    }

    internal ChannelReader<IngestionJob> Reader => _channel.Reader;

    /// <summary>The queued job, or null when the queue is full.</summary>
    internal async Task<IngestionJob?> TryEnqueueAsync(string tenant, IReadOnlyList<DocumentToIngest> documents, CancellationToken cancellationToken)
    {
        var job = new IngestionJob("ing-" + Guid.NewGuid().ToString("N"), tenant, documents, _time.GetUtcNow());
        _unfinished[job.Id] = job;
        if (!_channel.Writer.TryWrite(job))
        {
            _unfinished.TryRemove(job.Id, out _);
            return null;
        }
        await SaveAsync(job, cancellationToken);
        return job;
    }

    /// <summary>The job's status, only for the tenant that started it; an unfinished job whose lease ran out is reported failed.</summary>
    internal async Task<IngestionJobResponse?> FindAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        if (_unfinished.TryGetValue(id, out var local))
        {
            return local.Tenant == tenant ? local.Snapshot() : null;
        }
        var record = await _store.FindAsync(id, cancellationToken);
        if (record is null || record.Tenant != tenant)
        {
            return null;
        }
        return record.Status.FinishedAt is null && record.LeaseUntil <= _time.GetUtcNow()
            ? record.Status with { Status = IngestionJob.Failed, Error = Interrupted, FinishedAt = record.LeaseUntil }
            : record.Status;
    }

    /// <summary>
    /// Saves the job's current state with a fresh lease. A store outage is logged, not thrown: the job goes on, and this
    /// replica still answers for it from memory.
    /// </summary>
    internal async Task SaveAsync(IngestionJob job, CancellationToken cancellationToken)
    {
        await job.SaveGate.WaitAsync(cancellationToken);
        try
        {
            var status = job.Snapshot();
            if (status.FinishedAt is not null)
            {
                _unfinished.TryRemove(job.Id, out _);
            }
            await _store.SaveAsync(new IngestionJobRecord(job.Tenant, status, _time.GetUtcNow() + _options.Value.JobLease), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSaveFailed(_logger, ex, job.Id);
        }
        finally
        {
            job.SaveGate.Release();
        }
    }

    /// <summary>Renews the lease of every unfinished job of this replica (queued ones too: they live only in its memory).</summary>
    internal async Task RenewLeasesAsync(CancellationToken cancellationToken)
    {
        foreach (var job in _unfinished.Values)
        {
            await SaveAsync(job, cancellationToken);
        }
    }

    /// <summary>At shutdown: jobs still queued will never run here; say so now rather than when their lease runs out.</summary>
    internal async Task AbandonQueuedAsync(CancellationToken cancellationToken)
    {
        while (_channel.Reader.TryRead(out var job))
        {
            job.Finish(_time.GetUtcNow(), "The service shut down before this ingestion started; nothing was stored.");
            await SaveAsync(job, cancellationToken);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not save the status of ingestion {JobId}; other replicas may not see it")]
    private static partial void LogSaveFailed(ILogger logger, Exception exception, string jobId);
}
