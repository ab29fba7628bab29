namespace AiAspire.Contracts.Platform;

/// <summary>A retrieved passage the answer was given, numbered as in the prompt's context block.</summary>
public sealed record ChatCitation(int Index, string Source, string? HeadingPath, string DocId, string ChunkId, double Score);
