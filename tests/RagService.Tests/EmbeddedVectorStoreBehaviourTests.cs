using AiAspire.RagService.Stores;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiAspire.RagService.Tests;

public sealed class EmbeddedVectorStoreBehaviourTests : VectorStoreBehaviour, IDisposable
{
    private readonly TempDirectory _data = new();

    public EmbeddedVectorStoreBehaviourTests() => Store = new EmbeddedVectorStore(_data.Path, NullLogger<EmbeddedVectorStore>.Instance);

    protected override IVectorStore Store { get; }

    public void Dispose() => _data.Dispose();
}
