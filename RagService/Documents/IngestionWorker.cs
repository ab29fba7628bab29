namespace AiAspire.RagService.Documents;

/// <summary>
/// Ingests queued uploads one job at a time, document by document (the model is the bottleneck, so one worker is enough).
/// Each document is stored whole or not at all; a failure stops the job, which then lists exactly what was stored.
/// </summary>
public sealed partial class IngestionWorker(IngestionQueue queue, DocumentIngestor ingestor, TimeProvider time, ILogger<IngestionWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var job in queue.Reader.ReadAllAsync(stoppingToken))
            {
                await RunAsync(job, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: jobs still queued are lost with the process, as their status is.
        }
    }

    internal async Task RunAsync(IngestionJob job, CancellationToken cancellationToken)
    {
        job.Start();
        try
        {
            foreach (var document in job.Documents)
            {
                job.Stored(await ingestor.IngestAsync(job.Tenant, document, cancellationToken));
            }
            job.Finish(time.GetUtcNow(), error: null);
            LogFinished(logger, job.Id, job.Tenant, job.Documents.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var snapshot = job.Snapshot();
            job.Finish(time.GetUtcNow(), $"Ingestion stopped at document {snapshot.Completed + 1} of {snapshot.Total} ('{job.Documents[snapshot.Completed].Id}'); " +
                "the documents listed were stored, the rest were not.");
            LogFailed(logger, ex, job.Id, job.Tenant, snapshot.Completed, snapshot.Total);
        }
        catch (OperationCanceledException)
        {
            job.Finish(time.GetUtcNow(), "The service shut down; the documents listed were stored, the rest were not.");
            throw;
        }
    }

    [LoggerMessage(LogLevel.Information, "Ingestion {JobId} of tenant {Tenant} stored {Documents} documents")]
    private static partial void LogFinished(ILogger logger, string jobId, string tenant, int documents);

    [LoggerMessage(LogLevel.Error, "Ingestion {JobId} of tenant {Tenant} failed after {Completed} of {Total} documents")]
    private static partial void LogFailed(ILogger logger, Exception exception, string jobId, string tenant, int completed, int total);
}
