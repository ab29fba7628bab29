using AiAspire.Contracts.Events;
using AiAspire.Contracts.Router;
using AiAspire.EventBus;
using AiAspire.Orchestrator.Pipeline;
using StackExchange.Redis;

namespace AiAspire.Orchestrator.Feedback;

/// <summary>
/// After an answer: remembers who produced it (for feedback) and publishes the masked interaction for the
/// retraining pipeline. Never fails the response: a Redis outage only costs the ability to rate this answer.
/// </summary>
public sealed partial class AnswerRecorder(ResponseLedger ledger, IEventPublisher events, TimeProvider clock, ILogger<AnswerRecorder> logger)
{
    public async Task RecordAsync(PipelineContext context, RouteDecision route)
    {
        try
        {
            await ledger.RecordAsync(context.Tenant, context.RequestId, route.Deployment, route.Route);
        }
        catch (RedisException ex)
        {
            LogLedgerFailed(ex, context.RequestId);
        }

        events.Publish(new InteractionCaptured(
            context.RequestId,
            context.Tenant,
            route.Deployment,
            [.. context.Messages.Select(m => new MaskedMessage(m.Role == "developer" ? "system" : m.Role, m.Content))],
            context.MaskedAnswer.ToString(),
            clock.GetUtcNow()));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record answer {RequestId} for feedback")]
    private partial void LogLedgerFailed(Exception ex, string requestId);
}
