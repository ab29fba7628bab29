using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Memory;
using StackExchange.Redis;

namespace AiAspire.Orchestrator.Pipeline.Steps;

/// <summary>
/// Conversation memory for <c>/api/chat</c>: puts the conversation's stored (masked) turns before the new question,
/// and stores the new turn once the answer is whole — after the output guard for a non-streamed answer, when the
/// stream completes for a streamed one; never after a failure. A request without a conversation passes through.
/// A pipeline without this step answers every message on its own: no history is loaded, none is stored.
/// </summary>
/// <remarks>
/// The turns were masked and checked when they were asked; placed after the input guard (the default), they are not
/// scanned again. A conversation the caller names that does not exist (unknown, another tenant's, expired) is a 404;
/// memory that cannot be read is a 503, since answering without the history would answer a different question.
/// </remarks>
public sealed partial class MemoryStep(ConversationStore conversations, ILogger<MemoryStep> logger) : IPipelineStep
{
    public string Name => PipelineSteps.Memory;

    public async ValueTask ExecuteAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        if (context.ConversationId is not { } conversationId)
        {
            return;
        }
        if (context.ContinuesConversation)
        {
            IReadOnlyList<RouterMessage>? history;
            try
            {
                history = await conversations.FindAsync(context.Tenant, conversationId);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or JsonException)
            {
                LogMemoryFailed(ex, conversationId);
                context.Status = "error";
                context.Error = "conversation memory unavailable";
                context.Problem = TypedResults.Problem("Conversation memory is unavailable; try again shortly.",
                    statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Unavailable);
                return;
            }
            if (history is not { Count: > 0 })
            {
                context.Status = "error";
                context.Error = "unknown conversation";
                context.Problem = TypedResults.Problem($"No conversation '{conversationId}' of yours exists (unknown, another tenant's, or expired).",
                    statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound);
                return;
            }
            // The earlier turns go after the instructions and before the new question, as a caller would send them.
            var insertAt = context.Messages.TakeWhile(m => m.Role is "system" or "developer" && !ReferenceEquals(m, context.ContextMessage)).Count();
            context.Messages.InsertRange(insertAt, history);
        }
        context.WhenAnswered(RememberAsync);
    }

    /// <summary>Appends this turn (masked) to the conversation; a Redis failure only costs the next turn this one.</summary>
    private async Task RememberAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        var conversationId = context.ConversationId!;
        try
        {
            // The question as the caller asked it (masked), not the template's rendering of it.
            var maskedQuestion = context.Prompt is { } prompt ? new RouterMessage("user", prompt.Question) : context.Messages.Last(m => m.Role == "user");
            await conversations.AppendTurnAsync(context.Tenant, conversationId, maskedQuestion, new RouterMessage("assistant", context.MaskedAnswer.ToString()));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogMemoryFailed(ex, conversationId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation memory failed for {ConversationId}")]
    private partial void LogMemoryFailed(Exception ex, string conversationId);
}
