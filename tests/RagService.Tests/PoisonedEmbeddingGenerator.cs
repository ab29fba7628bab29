using Microsoft.Extensions.AI;

namespace AiAspire.RagService.Tests;

/// <summary>A tiny deterministic generator that fails on any text containing "POISON", as a model or provider outage would.</summary>
internal sealed class PoisonedEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private static readonly EmbeddingGeneratorMetadata Metadata = new("poisoned", defaultModelId: "poisoned-test-model", defaultModelDimensions: 3);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToList();
        if (texts.Any(text => text.Contains("POISON", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException("The embedding provider failed.");
        }
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(texts.Select(text => new Embedding<float>(new float[] { text.Length, 1, 0 }))));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata : null;

    public void Dispose()
    {
    }
}
