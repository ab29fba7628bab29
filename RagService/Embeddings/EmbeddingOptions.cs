using System.ComponentModel.DataAnnotations;

namespace AiAspire.RagService.Embeddings;

public sealed class EmbeddingOptions
{
    public const string Section = "Rag:Embeddings";

    /// <summary>Most texts per ONNX run; inputs are sorted by length first so a batch pads little.</summary>
    [Range(1, 512)]
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// Most word pieces per ONNX run, padding included: long chunks run faster in small batches (attention grows with
    /// the square of the length), short queries in large ones. Measured here: 256-piece chunks best at 4 to 8 a batch.
    /// </summary>
    [Range(512, 1_000_000)]
    public int BatchTokenBudget { get; set; } = 2_048;

    /// <summary>Most inputs one <c>/v1/embeddings</c> call may carry.</summary>
    [Range(1, 4096)]
    public int MaxInputs { get; set; } = 256;

    /// <summary>Longest single input of <c>/v1/embeddings</c>, in characters (the model reads only its first 512 word pieces).</summary>
    [Range(1, 1_000_000)]
    public int MaxInputChars { get; set; } = 32_768;
}
