using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Rag;

namespace AiAspire.RagService.Tests;

[Collection(RagServiceCollection.Name)]
public sealed class TelemetryTests(RagServiceFactory app)
{
    [Fact]
    public async Task Ingestion_and_retrieval_emit_nested_spans_on_the_service_source()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RagTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var client = app.ClientFor("telemetry");

        (await client.PostAsJsonAsync("/api/documents", new IngestDocumentRequest("Badges are renewed every January.", Id: "badges"),
            ContractsJsonContext.Default.IngestDocumentRequest)).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync("/v1/retrieve", new RetrieveRequest("When are badges renewed?"),
            ContractsJsonContext.Default.RetrieveRequest)).EnsureSuccessStatusCode();

        var ingest = Assert.Single(spans, s => s.OperationName == "rag ingest" && (string?)s.GetTagItem("aiaspire.tenant") == "telemetry");
        Assert.Equal("created", ingest.GetTagItem("aiaspire.rag.ingest.status"));
        var retrieve = Assert.Single(spans, s => s.OperationName == "rag retrieve" && (string?)s.GetTagItem("aiaspire.tenant") == "telemetry");
        var embeddings = spans.Where(s => s.OperationName == "embeddings all-minilm-l6-v2").ToList();
        Assert.Contains(embeddings, s => s.ParentSpanId == ingest.SpanId && (long)s.GetTagItem("gen_ai.usage.input_tokens")! > 0);
        Assert.Contains(embeddings, s => s.ParentSpanId == retrieve.SpanId);
        Assert.Contains(spans, s => s.OperationName == "rag search" && s.ParentSpanId == retrieve.SpanId
            && (int?)s.GetTagItem("aiaspire.rag.results") == 1);
    }
}
