using System.Diagnostics;

namespace AiAspire.RagService.Embeddings;

/// <summary>Loads the embedding model in the background at start, so the first ingestion or query does not wait for it.</summary>
public sealed partial class EmbeddingWarmupService(MiniLmEmbeddingGenerator generator, ILogger<EmbeddingWarmupService> logger)
    : BackgroundService
{
    /// <summary>Set when warm-up failed; the health check reports it.</summary>
    public Exception? Failure { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var started = Stopwatch.GetTimestamp();
        try
        {
            await generator.WarmUpAsync(stoppingToken);
            LogWarm(logger, MiniLmEmbeddingGenerator.ModelId, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Failure = ex;
            LogFailed(logger, ex, MiniLmEmbeddingGenerator.ModelId);
        }
    }

    [LoggerMessage(LogLevel.Information, "Embedding model {Model} loaded and warm in {ElapsedMs:F0} ms")]
    private static partial void LogWarm(ILogger logger, string model, double elapsedMs);

    [LoggerMessage(LogLevel.Error, "Embedding model {Model} failed to load")]
    private static partial void LogFailed(ILogger logger, Exception exception, string model);
}
