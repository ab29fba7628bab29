using AiAspire.Contracts.Guard;
using AiAspire.Contracts.OpenAI;
using AiAspire.Contracts.Rag;
using AiAspire.Contracts.Router;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AiAspire.Orchestrator.Pipeline;

/// <summary>Everything one chat request accumulates on its way through the pipeline.</summary>
public sealed class PipelineContext(string requestId, string tenant, ChatCompletionRequest request)
{
    public string RequestId { get; } = requestId;
    public string Tenant { get; } = tenant;
    public ChatCompletionRequest Request { get; } = request;
    public bool IsStreaming => Request.Stream == true;

    /// <summary>The routing strategy the caller asked for (header <c>x-route-strategy</c>), or null for the route's own.</summary>
    public string? Strategy { get; init; }

    /// <summary>The collection to search, or null for the configured default.</summary>
    public string? Collection { get; init; }

    /// <summary>The platform conversation this request continues or starts (<c>/api/chat</c>); null for a stateless request.</summary>
    public string? ConversationId { get; init; }

    /// <summary>True when the caller named <see cref="ConversationId"/>, so its earlier turns must exist; false for a new one.</summary>
    public bool ContinuesConversation { get; init; }

    /// <summary>"auto" (retrieve; answer without context if that fails), "on" (retrieval must work) or "off".</summary>
    public string Retrieval { get; init; } = "auto";

    /// <summary>The conversation as it will be sent: masked by the input guard, extended by retrieval.</summary>
    public List<RouterMessage> Messages { get; set; } = [];

    public string? VaultId { get; set; }

    /// <summary>The guard policy version the input guard reported for this request, or null (older guardrails).</summary>
    public string? InputPolicyVersion { get; set; }

    /// <summary>The guard policy version the output guard reported for this (non-streamed) answer, or null.</summary>
    public string? OutputPolicyVersion { get; set; }
    public List<GuardFinding> GuardFindings { get; } = [];
    public IReadOnlyList<RetrievedChunk> RetrievedChunks { get; set; } = [];

    /// <summary>The answer as the model wrote it, placeholders and all: what events and datasets may carry.</summary>
    public System.Text.StringBuilder MaskedAnswer { get; } = new();

    /// <summary>The non-streamed answer (unmasked once the output guard has run).</summary>
    public CompletionResponse? Completion { get; set; }

    /// <summary>The caller sent <c>Cache-Control: no-cache</c>: answer afresh (the fresh answer is still stored).</summary>
    public bool BypassCache { get; init; }

    /// <summary>True when the answer came from the exact cache rather than a model.</summary>
    public bool CacheHit { get; set; }

    /// <summary>The streamed answer: router events, wrapped by later steps (e.g. unmasking).</summary>
    public IAsyncEnumerable<CompletionStreamEvent>? Events { get; set; }

    /// <summary>Set by a step to end the run with this answer.</summary>
    public ProblemHttpResult? Problem { get; set; }

    /// <summary>"ok", "error" or "blocked": what the event reports.</summary>
    public string Status { get; set; } = "ok";
    public string? Error { get; set; }

    public Dictionary<string, double> StageLatencyMs { get; } = new(12, StringComparer.Ordinal);

    /// <summary>The pipeline resolved for this request's tenant and route (set by the runner before the first step).</summary>
    public PipelineSettings Settings { get; set; } = Unresolved;

    /// <summary>The default pipeline, until the runner resolves the request's own (one shared instance: settings never change).</summary>
    private static readonly PipelineSettings Unresolved = new PipelineOptions().Resolve("", null);

    /// <summary>The context block the retrieve step put in <see cref="Messages"/>, so later steps can tell it from the caller's system messages.</summary>
    public RouterMessage? ContextMessage { get; set; }

    /// <summary>The prompt in parts (set by the template step) so the token budget can leave parts out and render it again.</summary>
    public Templates.PromptParts? Prompt { get; set; }

    /// <summary>The template the prompt was rendered with, or null when none was.</summary>
    public Templates.PromptTemplate? Template { get; set; }

    /// <summary>The template's system text as rendered for this request, for the output guard's leakage check.</summary>
    public string? TemplateSystemPrompt { get; set; }

    /// <summary>What the token budget counted and left out, or null when no budget step ran.</summary>
    public Budgets.TokenBudgetOutcome? Budget { get; set; }

    /// <summary>This request's key in the checked-answer cache, once worked out (the lookup's, reused by the store).</summary>
    internal Caching.CheckedAnswerKey? CheckedAnswerKey { get; set; }

    private List<Func<PipelineContext, CancellationToken, Task>>? _whenAnswered;

    /// <summary>
    /// Registers work for when the answer is whole and accepted (e.g. storing the turn in memory): run by the pipeline
    /// after its last step for a non-streamed answer, and by the stream's writer before it announces the end of a
    /// streamed one. Never run for an answer that failed or was cut off.
    /// </summary>
    public void WhenAnswered(Func<PipelineContext, CancellationToken, Task> action) => (_whenAnswered ??= []).Add(action);

    /// <summary>Runs what <see cref="WhenAnswered"/> registered, once, in order.</summary>
    public async Task AnsweredAsync(CancellationToken cancellationToken)
    {
        var actions = Interlocked.Exchange(ref _whenAnswered, null);
        foreach (var action in actions ?? [])
        {
            await action(this, cancellationToken);
        }
    }
}
