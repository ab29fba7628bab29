namespace AiAspire.RagService.Chunking;

/// <summary>A run of body text [Start, End) under one heading path.</summary>
internal readonly record struct TextSection(string? HeadingPath, int Start, int End);
