using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace AiAspire.RagService.Embeddings;

/// <summary>
/// ONNX Runtime session settings for all-MiniLM-L6-v2: RagService's embeddings (from its configuration) and the
/// guardrails' injection classifier (one thread, no spinning; GuardrailService.Engine compiles this file too).
/// The session copies them when it is created.
/// </summary>
internal static class MiniLmSessionOptions
{
    /// <param name="threads">ONNX Runtime threads per run (intra-op); 0 or less keeps ONNX Runtime's default, one per core.</param>
    /// <param name="spinning">Whether idle worker threads spin-wait for work between runs (ONNX Runtime's default).</param>
    public static SessionOptions Create(int threads, bool spinning)
    {
        var options = new SessionOptions();
        if (threads > 0)
        {
            options.IntraOpNumThreads = threads;
            // MiniLM is one chain of operators: a second pool for parallel branches would only wait.
            options.InterOpNumThreads = 1;
        }
        if (!spinning)
        {
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        }
        return options;
    }
}
