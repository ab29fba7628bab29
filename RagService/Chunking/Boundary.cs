namespace AiAspire.RagService.Chunking;

/// <summary>How good a place the gap after a word is to end a chunk; higher is better.</summary>
internal enum Boundary
{
    None,
    Line,
    Sentence,
    Paragraph,
}
