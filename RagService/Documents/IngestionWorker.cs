namespace AiAspire.RagService.Documents;

/// <summary>
/// Ingests queued uploads one job at a time, document by document (the model is the bottleneck, so one worker is enough),
/// saving the job's status after each step and renewing the leases of this replica's unfinished jobs meanwhile.
/// Each document is stored whole or not at all; a failure stops the job, which then lists exactly what was stored.
/// </summary>
public sealed partial class IngestionWorker(
    IngestionQueue queue, DocumentIngestor ingestor, Microsoft.Extensions.Options.IOptions<IngestionOptions> options, TimeProvider time, ILogger<IngestionWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var renewals = RenewLeasesAsync(stoppingToken);
        try
        {
            await foreach (var job in queue.Reader.ReadAllAsync(stoppingToken))
            {
                await RunAsync(job, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await queue.AbandonQueuedAsync(grace.Token);
        }
        await renewals;
    }

    internal async Task RunAsync(IngestionJob job, CancellationToken cancellationToken)
    {
        job.Start();
        await queue.SaveAsync(job, cancellationToken);
        try
        {
            foreach (var document in job.Documents)
            {
                job.Stored(await ingestor.IngestAsync(job.Tenant, document, cancellationToken));
                await queue.SaveAsync(job, cancellationToken);
            }
            job.Finish(time.GetUtcNow(), error: null);
            await queue.SaveAsync(job, cancellationToken);
            LogFinished(logger, job.Id, job.Tenant, job.Documents.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var snapshot = job.Snapshot();
            job.Finish(time.GetUtcNow(), $"Ingestion stopped at document {snapshot.Completed + 1} of {snapshot.Total} ('{job.Documents[snapshot.Completed].Id}'); " +
                "the documents listed were stored, the rest were not.");
            await queue.SaveAsync(job, CancellationToken.None);
            LogFailed(logger, ex, job.Id, job.Tenant, snapshot.Completed, snapshot.Total);
        }
        catch (OperationCanceledException)
        {
            job.Finish(time.GetUtcNow(), "The service shut down; the documents listed were stored, the rest were not.");
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await queue.SaveAsync(job, grace.Token);
            throw;
        }
    }

    private async Task RenewLeasesAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.JobLease / 4, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await queue.RenewLeasesAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: unfinished jobs were (or will be) marked by RunAsync and AbandonQueuedAsync.
        }
    }

    [LoggerMessage(LogLevel.Information, "Ingestion {JobId} of tenant {Tenant} stored {Documents} documents")]
    private static partial void LogFinished(ILogger logger, string jobId, string tenant, int documents);

    [LoggerMessage(LogLevel.Error, "Ingestion {JobId} of tenant {Tenant} failed after {Completed} of {Total} documents")]
    private static partial void LogFailed(ILogger logger, Exception exception, string jobId, string tenant, int completed, int total);
}
