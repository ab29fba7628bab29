namespace AiAspire.RagService.Stores;

/// <summary>A searchable set of vectors: one collection as embedded by one model.</summary>
internal readonly record struct CollectionKey(string Collection, string EmbeddingModel);
