using AiAspire.RagService.Stores;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiAspire.RagService.Tests.Hnsw;

/// <summary>The shared store behaviour with every collection searched through its HNSW graph, however small.</summary>
public sealed class EmbeddedHnswVectorStoreBehaviourTests : VectorStoreBehaviour, IDisposable
{
    private readonly TempDirectory _data = new();

    public EmbeddedHnswVectorStoreBehaviourTests() => Store = new EmbeddedVectorStore(_data.Path, NullLogger<EmbeddedVectorStore>.Instance,
        new EmbeddedIndexOptions { ApproximateSearchMinChunks = 0, PersistGraphMinChunks = 0 });

    protected override IVectorStore Store { get; }

    public void Dispose() => _data.Dispose();
}
