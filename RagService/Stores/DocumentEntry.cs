using System.Collections.Immutable;

namespace AiAspire.RagService.Stores;

/// <summary>A document with its chunks, vectors unit-length and owned by the store.</summary>
internal sealed record DocumentEntry(StoredDocument Document, ImmutableArray<StoredChunk> Chunks)
{
    public CollectionKey Key => new(Document.Collection, Document.EmbeddingModel);

    public int Dimensions => Chunks.IsEmpty ? 0 : Chunks[0].Vector.Length;
}
