using System.ComponentModel.DataAnnotations;

namespace AiAspire.RagService.Chunking;

/// <summary>
/// Chunk sizes in approximate tokens (words; long words and CJK characters count per piece). The defaults keep a chunk
/// under MiniLM's 256 word-piece window, which sees about 1.3 word pieces per English word.
/// </summary>
public sealed class ChunkingOptions : IValidatableObject
{
    public const string Section = "Rag:Chunking";

    [Range(8, 4096)]
    public int MaxTokens { get; set; } = 160;

    [Range(0, 2048)]
    public int OverlapTokens { get; set; } = 24;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (OverlapTokens * 2 > MaxTokens)
        {
            yield return new ValidationResult(
                $"{nameof(OverlapTokens)} must be at most half of {nameof(MaxTokens)}, or chunks would mostly repeat each other.",
                [nameof(OverlapTokens)]);
        }
    }
}
