using AiAspire.RagService.Chunking;

namespace AiAspire.RagService.Documents;

/// <summary>The text of an uploaded file, ready to chunk: HTML arrives as Markdown, so its headings still shape the chunks.</summary>
public sealed record ExtractedDocument(string Text, DocumentContentType ContentType);
