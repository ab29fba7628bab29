using AiAspire.Contracts;
using AiAspire.Contracts.Guard;
using AiAspire.Contracts.Rag;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Clients;
using AiAspire.Orchestrator.Templates;

namespace AiAspire.Orchestrator.Pipeline.Steps;

/// <summary>
/// Puts the tenant's most relevant passages in the prompt as a numbered context block, after the guardrails have
/// checked them for indirect prompt injection. Retrieval is optional: when RagService fails, or the passages cannot
/// be checked, the request goes on without context, and the event and the response header
/// <see cref="RetrievalHeader"/> (<c>unavailable</c> or <c>unchecked</c>) say so.
/// </summary>
public sealed partial class RetrieveStep(RagClient rag, IGuardrailClient guardrails, IHttpContextAccessor http, ILogger<RetrieveStep> logger) : IPipelineStep
{
    public const string RetrievalHeader = "x-aiaspire-retrieval";

    public string Name => "retrieve";

    public async ValueTask ExecuteAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        var question = context.Messages.LastOrDefault(m => m.Role == "user")?.Content;
        if (context.Retrieval == "off" || string.IsNullOrWhiteSpace(question))
        {
            return;
        }

        var settings = context.Settings;
        RetrieveResponse retrieved;
        try
        {
            retrieved = await rag.RetrieveAsync(
                context.Tenant,
                new RetrieveRequest(question, context.Collection ?? settings.DefaultCollection, settings.RetrieveTopK, settings.RetrieveMinScore),
                cancellationToken);
        }
        catch (DownstreamException ex)
        {
            LogRetrievalFailed(ex, ex.Status);
            if (context.Retrieval == "on")
            {
                context.Status = "error";
                context.Error = "retrieval unavailable";
                context.Problem = TypedResults.Problem("Retrieval was required (rag: on) but is unavailable.",
                    statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Unavailable);
                return;
            }
            context.Error = "retrieval unavailable; answered without context";
            MarkAnsweredWithoutContext("unavailable");
            return;
        }

        if (retrieved.Chunks.Count == 0)
        {
            return;
        }

        var chunks = await SafeChunksAsync(context, retrieved.Chunks, cancellationToken);
        if (chunks.Count == 0)
        {
            return;
        }

        context.RetrievedChunks = chunks;
        context.ContextMessage = PromptRenderer.ContextMessage(chunks);
        var insertAt = context.Messages.TakeWhile(m => m.Role is "system" or "developer").Count();
        context.Messages.Insert(insertAt, context.ContextMessage);
    }

    /// <summary>The chunks the guardrails allow; none when they cannot be checked (unchecked text never enters a prompt).</summary>
    private async Task<IReadOnlyList<RetrievedChunk>> SafeChunksAsync(PipelineContext context, IReadOnlyList<RetrievedChunk> chunks, CancellationToken cancellationToken)
    {
        try
        {
            var verdict = await guardrails.CheckDocumentsAsync(
                context.Tenant,
                new GuardDocumentsRequest([.. chunks.Select(c => new GuardDocument(c.Text, c.ChunkId))]),
                cancellationToken);
            if (verdict.Blocked > 0)
            {
                LogChunksBlocked(verdict.Blocked);
            }
            return [.. chunks.Where((_, i) => verdict.Documents.FirstOrDefault(d => d.Index == i)?.Allowed == true)];
        }
        catch (DownstreamException ex)
        {
            LogDocumentCheckFailed(ex, ex.Status);
            context.Error = "retrieved passages could not be checked; answered without context";
            MarkAnsweredWithoutContext("unchecked");
            return [];
        }
    }

    /// <summary>Tells the client its answer lacks the context it asked for (rag "auto"), while the headers can still change.</summary>
    private void MarkAnsweredWithoutContext(string reason)
    {
        if (http.HttpContext is { Response.HasStarted: false } current)
        {
            current.Response.Headers[RetrievalHeader] = reason;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} retrieved passages were left out: the guardrails flagged them as injection")]
    private partial void LogChunksBlocked(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking retrieved passages failed ({Status}); answering without context")]
    private partial void LogDocumentCheckFailed(Exception ex, System.Net.HttpStatusCode? status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retrieval failed ({Status}); answering without context")]
    private partial void LogRetrievalFailed(Exception ex, System.Net.HttpStatusCode? status);
}
