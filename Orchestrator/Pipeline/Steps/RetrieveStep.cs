using AiAspire.Contracts.Rag;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Clients;
using Microsoft.Extensions.Options;

namespace AiAspire.Orchestrator.Pipeline.Steps;

/// <summary>
/// Puts the tenant's most relevant passages in the prompt as a numbered context block. Retrieval is optional:
/// when RagService fails the request goes on without context, and the event says so.
/// </summary>
public sealed partial class RetrieveStep(RagClient rag, IOptionsMonitor<PipelineOptions> options, ILogger<RetrieveStep> logger) : IPipelineStep
{
    public string Name => "retrieve";

    public async ValueTask ExecuteAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        var question = context.Messages.LastOrDefault(m => m.Role == "user")?.Content;
        if (string.IsNullOrWhiteSpace(question))
        {
            return;
        }

        var settings = options.CurrentValue;
        RetrieveResponse retrieved;
        try
        {
            retrieved = await rag.RetrieveAsync(
                context.Tenant,
                new RetrieveRequest(question, settings.DefaultCollection, settings.RetrieveTopK, settings.RetrieveMinScore),
                cancellationToken);
        }
        catch (DownstreamException ex)
        {
            LogRetrievalFailed(ex, ex.Status);
            context.Error = "retrieval unavailable; answered without context";
            return;
        }

        if (retrieved.Chunks.Count == 0)
        {
            return;
        }

        context.RetrievedChunks = retrieved.Chunks;
        var passages = retrieved.Chunks.Select((chunk, i) => new ContextPassage(
            i + 1,
            chunk.HeadingPath is { Length: > 0 } heading ? $"{chunk.Source} › {heading}" : chunk.Source,
            chunk.Text));

        var insertAt = context.Messages.TakeWhile(m => m.Role is "system" or "developer").Count();
        context.Messages.Insert(insertAt, new RouterMessage("system", ContextPassages.Render(passages)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retrieval failed ({Status}); answering without context")]
    private partial void LogRetrievalFailed(Exception ex, System.Net.HttpStatusCode? status);
}
