using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AiAspire.RagService;

/// <summary>The service's one ActivitySource and Meter; instruments follow the OpenTelemetry GenAI conventions where one applies.</summary>
public static class RagTelemetry
{
    public const string Name = "AiAspire.RagService";

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Histogram<double> EmbeddingDuration = Meter.CreateHistogram<double>(
        "gen_ai.server.request.duration", "s", "Time to embed one batch of inputs with the local model",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    public static readonly Counter<long> EmbeddedInputs = Meter.CreateCounter<long>(
        "aiaspire.rag.embedded_inputs", "{input}", "Texts embedded (chunks at ingestion, queries, /v1/embeddings inputs)");

    public static readonly Counter<long> InputTokens = Meter.CreateCounter<long>(
        "aiaspire.rag.embedding.tokens", "{token}", "Word-piece tokens read by the embedding model");

    public static readonly Counter<long> Ingestions = Meter.CreateCounter<long>(
        "aiaspire.rag.ingestions", "{document}", "Documents ingested, by status (created, replaced, unchanged)");

    public static readonly Histogram<double> RetrievalDuration = Meter.CreateHistogram<double>(
        "aiaspire.rag.retrieval.duration", "s", "Time to answer /v1/retrieve, query embedding included");
}
