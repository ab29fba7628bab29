namespace AiAspire.RagService.Stores;

/// <summary>One document of a batch upsert, with exactly the chunks it will have.</summary>
public sealed record DocumentUpsert(StoredDocument Document, IReadOnlyList<StoredChunk> Chunks);
