namespace AiAspire.RagService.Chunking;

/// <summary>A piece of a document: <see cref="Text"/> is exactly the source characters [<see cref="Start"/>, <see cref="End"/>).</summary>
/// <param name="HeadingPath">Markdown headings above the chunk, outermost first, joined by " > "; null for plain text.</param>
public sealed record TextChunk(int Index, string Text, string? HeadingPath, string Source, int Start, int End, int Tokens);
