using AiAspire.RagService.Chunking;

namespace AiAspire.RagService.Documents;

/// <summary>A validated ingestion request with every default applied.</summary>
/// <param name="ContentHash">Lower-case hex SHA-256 of the UTF-8 text.</param>
public sealed record DocumentToIngest(
    string Id,
    string Collection,
    string Source,
    DocumentContentType ContentType,
    string Text,
    string ContentHash,
    IReadOnlyDictionary<string, string>? Metadata);
