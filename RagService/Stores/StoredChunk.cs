namespace AiAspire.RagService.Stores;

/// <summary>A chunk and its embedding; <see cref="Start"/> and <see cref="End"/> are character offsets into the document text.</summary>
public sealed record StoredChunk(string ChunkId, int Index, string Text, string? HeadingPath, int Start, int End, ReadOnlyMemory<float> Vector);
