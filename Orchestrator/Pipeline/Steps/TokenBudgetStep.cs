using AiAspire.Contracts.Rag;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Budgets;
using AiAspire.Orchestrator.Templates;

namespace AiAspire.Orchestrator.Pipeline.Steps;

/// <summary>
/// Fits the prompt into the model's context window with room for the answer: counts it exactly, then leaves out the
/// oldest earlier turns first and the lowest-scored retrieved chunks next, as few as needed. A prompt that does not
/// fit even then is the caller's 400, with the numbers. The outcome goes in the <c>x-aiaspire-budget</c> header.
/// </summary>
public sealed class TokenBudgetStep(
    ModelLimitsCatalog limits, TokenCounter counter, TemplateCatalog templates, IHttpContextAccessor http,
    Microsoft.Extensions.Options.IOptionsMonitor<TokenBudgetOptions> options) : IPipelineStep
{
    public const string ProblemType = "https://aiaspire.dev/problems/context-window-exceeded";

    public string Name => "token-budget";

    public async ValueTask ExecuteAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        var model = await limits.FindAsync(context.Tenant, context.Request.Model, cancellationToken);
        var requested = context.Request.MaxCompletionTokens ?? context.Request.MaxTokens;
        // The router caps the output at the deployment's maximum, so no more than that needs room.
        var reserved = model.MaxOutputTokens is { } max ? Math.Min(requested ?? max, max) : requested ?? options.CurrentValue.DefaultMaxOutputTokens;

        var parts = context.Prompt ?? PromptParts.From(context);
        var variables = templates.VariablesFor(context.Tenant);
        var dropOrder = DropOrder(parts.Chunks);
        var counts = new Dictionary<RouterMessage, int>();

        int Count(IReadOnlyList<RouterMessage> messages)
        {
            var tokenizer = counter.For(model.Encoding);
            var total = TokenCounter.ReplyPrimingTokens;
            foreach (var message in messages)
            {
                if (!counts.TryGetValue(message, out var tokens))
                {
                    counts[message] = tokens = TokenCounter.CountMessage(tokenizer, message);
                }
                total += tokens;
            }
            return total;
        }

        (PromptParts Parts, List<RouterMessage> Messages, int Tokens) Attempt(int drops)
        {
            var history = Math.Min(drops, parts.History.Count);
            // Tool results go with the call they answer: a conversation may not start with an orphaned "tool" message.
            while (history < parts.History.Count && parts.History[history].Role == "tool")
            {
                history++;
            }
            var chunks = drops - Math.Min(drops, parts.History.Count);
            var left = chunks == 0 ? parts.Chunks : [.. parts.Chunks.Where((_, i) => !dropOrder.Take(chunks).Contains(i))];
            var trimmed = parts with { History = parts.History.Skip(history).ToList(), Chunks = left };
            var messages = PromptRenderer.Render(trimmed, context.Template, variables, context.Tenant);
            return (trimmed, messages, Count(messages));
        }

        var best = Attempt(0);
        if (model.ContextWindow is { } window)
        {
            var available = window - reserved;
            if (best.Tokens > available)
            {
                var most = parts.History.Count + parts.Chunks.Count;
                var least = Attempt(most);
                if (least.Tokens > available)
                {
                    Reject(context, model, least.Tokens, window, reserved, most > 0);
                    return;
                }
                // Each drop only shortens the prompt, so the fewest drops that fit can be found by bisection.
                var (low, high) = (1, most);
                best = least;
                while (low < high)
                {
                    var middle = low + (high - low) / 2;
                    var attempt = Attempt(middle);
                    if (attempt.Tokens <= available)
                    {
                        (high, best) = (middle, attempt);
                    }
                    else
                    {
                        low = middle + 1;
                    }
                }
            }
        }

        var droppedHistory = parts.History.Count - best.Parts.History.Count;
        var droppedChunks = parts.Chunks.Count - best.Parts.Chunks.Count;
        context.Prompt = best.Parts;
        context.Messages = best.Messages;
        if (context.ContextMessage is not null)
        {
            context.RetrievedChunks = best.Parts.Chunks;
        }
        context.Budget = new TokenBudgetOutcome(model.Name, model.Encoding, best.Tokens, model.ContextWindow, reserved, droppedHistory, droppedChunks);
        if (http.HttpContext?.Response is { HasStarted: false } response)
        {
            response.Headers[TokenBudgetOutcome.Header] = context.Budget.HeaderValue();
        }
    }

    /// <summary>
    /// Chunk indices in the order they are left out: lowest score first (the fused score in hybrid retrieval, which
    /// ranked them), and of equal scores the later one.
    /// </summary>
    private static int[] DropOrder(IReadOnlyList<RetrievedChunk> chunks) =>
        [.. chunks.Select((chunk, i) => (Score: chunk.FusedScore ?? chunk.Score, i)).OrderBy(c => c.Score).ThenByDescending(c => c.i).Select(c => c.i)];

    private static void Reject(PipelineContext context, ModelLimits model, int promptTokens, int window, int reserved, bool couldDrop)
    {
        var available = window - reserved;
        context.Status = "error";
        context.Error = "prompt exceeds the context window";
        context.Problem = TypedResults.Problem(
            $"The prompt needs {promptTokens} tokens{(couldDrop ? " even with all earlier turns and retrieved passages left out" : "")}, " +
            $"but '{model.Name}' has a context window of {window} tokens, of which {reserved} are reserved for the output: " +
            $"{Math.Max(available, 0)} remain for the prompt. Shorten the messages or lower max_tokens.",
            statusCode: StatusCodes.Status400BadRequest,
            title: "Prompt too long for the model",
            type: ProblemType,
            extensions: new Dictionary<string, object?>
            {
                ["promptTokens"] = promptTokens,
                ["contextWindow"] = window,
                ["reservedOutputTokens"] = reserved,
                ["encoding"] = model.Encoding,
                ["model"] = model.Name,
            });
    }
}
