namespace AiAspire.RagService.Chunking;

/// <summary>One approximate token: a word, a piece of a very long word, or one CJK character.</summary>
internal readonly record struct Word(int Start, int End, Boundary After);
