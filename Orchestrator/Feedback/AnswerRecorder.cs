using AiAspire.Contracts.Events;
using AiAspire.Contracts.Guard;
using AiAspire.Contracts.Router;
using AiAspire.EventBus;
using AiAspire.Orchestrator.Clients;
using AiAspire.Orchestrator.Pipeline;
using StackExchange.Redis;

namespace AiAspire.Orchestrator.Feedback;

/// <summary>
/// After an answer: remembers who produced it (for feedback) and publishes the masked interaction for the
/// retraining pipeline. Never fails the response: a Redis outage only costs the ability to rate this answer.
/// Retrieved passages are the tenant's documents as written (the input guard never saw them) and the answer may quote
/// them, so an answer built on them is masked by the guardrails before it is published, or not published at all.
/// </summary>
public sealed partial class AnswerRecorder(ResponseLedger ledger, IGuardrailClient guardrails, IEventPublisher events, TimeProvider clock, ILogger<AnswerRecorder> logger)
{
    public async Task RecordAsync(PipelineContext context, RouteDecision route)
    {
        try
        {
            var recorded = ledger.RecordAsync(context.Tenant, context.RequestId, route.Deployment, route.Route);
            if (!recorded.IsCompletedSuccessfully)
            {
                _ = recorded.ContinueWith(static (task, state) =>
                    {
                        var (recorder, requestId) = ((AnswerRecorder, string))state!;
                        recorder.LogLedgerFailed(task.Exception!.GetBaseException(), requestId);
                    }, (this, context.RequestId),
                    CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogLedgerFailed(ex, context.RequestId);
        }

        List<MaskedMessage> messages = [.. context.Messages.Select(m => new MaskedMessage(m.Role == "developer" ? "system" : m.Role, m.Content))];
        var answer = context.MaskedAnswer.ToString();
        if (HoldsUnmaskedPassages(context))
        {
            if (await MaskRetrievedTextAsync(context, messages, answer) is not { } masked)
            {
                return;
            }
            (messages, answer) = masked;
        }
        events.Publish(new InteractionCaptured(context.RequestId, context.Tenant, route.Deployment, messages, answer, clock.GetUtcNow()));
    }

    /// <summary>Passages retrieved after the input guard (the default order), or with no input guard, were never masked.</summary>
    private static bool HoldsUnmaskedPassages(PipelineContext context)
    {
        if (context.RetrievedChunks.Count == 0)
        {
            return false;
        }
        var steps = context.Settings.Steps;
        var guard = IndexOf(steps, PipelineSteps.GuardInput);
        return guard < 0 || guard < IndexOf(steps, PipelineSteps.Retrieve);

        static int IndexOf(IReadOnlyList<string> steps, string step)
        {
            for (var i = 0; i < steps.Count; i++)
            {
                if (steps[i] == step)
                {
                    return i;
                }
            }
            return -1;
        }
    }

    private async Task<(List<MaskedMessage> Messages, string Answer)?> MaskRetrievedTextAsync(PipelineContext context, List<MaskedMessage> messages, string answer)
    {
        try
        {
            var verdict = await guardrails.CheckInputAsync(context.Tenant,
                new GuardInputRequest([.. messages.Select(m => new GuardMessage(m.Role, m.Content)), new GuardMessage("assistant", answer)]),
                CancellationToken.None);
            return ([.. messages.Select((m, i) => m with { Content = verdict.Messages[i].Content })], verdict.Messages[^1].Content);
        }
        catch (DownstreamException ex)
        {
            LogNotMasked(ex, context.RequestId);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interaction {RequestId} is not published: its retrieved passages could not be masked")]
    private partial void LogNotMasked(Exception ex, string requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record answer {RequestId} for feedback")]
    private partial void LogLedgerFailed(Exception ex, string requestId);
}
