using AiAspire.Contracts.Rag;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Pipeline;

namespace AiAspire.Orchestrator.Templates;

/// <summary>
/// The prompt before rendering: the caller's system messages, the earlier turns, the question, the retrieved chunks.
/// The token budget shortens <see cref="History"/> and <see cref="Chunks"/> and renders again.
/// </summary>
/// <param name="Trailing">Messages after the last user message (an assistant prefill), kept as they are.</param>
public sealed record PromptParts(
    IReadOnlyList<RouterMessage> System,
    IReadOnlyList<RouterMessage> History,
    string Question,
    IReadOnlyList<RouterMessage> Trailing,
    IReadOnlyList<RetrievedChunk> Chunks)
{
    /// <summary>The parts of the conversation as it stands (masked by the input guard, extended by retrieval).</summary>
    public static PromptParts From(PipelineContext context)
    {
        var messages = context.Messages.Where(m => !ReferenceEquals(m, context.ContextMessage)).ToList();
        var last = messages.FindLastIndex(m => m.Role == "user");
        if (last < 0)
        {
            throw new InvalidOperationException("The conversation has no user message; the validate step must run first.");
        }
        var leading = messages.TakeWhile(m => m.Role is "system" or "developer").Count();
        leading = Math.Min(leading, last);
        return new PromptParts(
            messages[..leading],
            messages[leading..last],
            messages[last].Content,
            messages[(last + 1)..],
            context.ContextMessage is null ? [] : context.RetrievedChunks);
    }
}
