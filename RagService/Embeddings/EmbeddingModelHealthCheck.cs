using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AiAspire.RagService.Embeddings;

/// <summary>Ready once the model answers: until then ingestion and retrieval would stall on loading it.</summary>
public sealed class EmbeddingModelHealthCheck(MiniLmEmbeddingGenerator generator, EmbeddingWarmupService warmup) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            generator.IsReady ? HealthCheckResult.Healthy($"{MiniLmEmbeddingGenerator.ModelId} loaded")
            : warmup.Failure is { } failure ? HealthCheckResult.Unhealthy($"{MiniLmEmbeddingGenerator.ModelId} failed to load", failure)
            : HealthCheckResult.Unhealthy($"{MiniLmEmbeddingGenerator.ModelId} is loading"));
}
