namespace AiAspire.RagService.Chunking;

/// <summary>What the chunker knows how to read; HTML and PDF come later as their own kinds.</summary>
public enum DocumentContentType
{
    Text,
    Markdown,
}
