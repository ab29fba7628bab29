namespace AiAspire.RagService.Chunking;

public interface IDocumentChunker
{
    IReadOnlyList<TextChunk> Chunk(string text, DocumentContentType contentType, string source);
}
