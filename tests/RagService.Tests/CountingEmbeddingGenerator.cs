using Microsoft.Extensions.AI;

namespace AiAspire.RagService.Tests;

/// <summary>The real generator, counting how many texts went through it.</summary>
internal sealed class CountingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    private long _texts;

    public long Texts => Interlocked.Read(ref _texts);

    public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = values.ToList();
        Interlocked.Add(ref _texts, list.Count);
        return base.GenerateAsync(list, options, cancellationToken);
    }

    /// <summary>The model is a shared singleton: the host disposes it, not this wrapper.</summary>
    protected override void Dispose(bool disposing)
    {
    }
}
