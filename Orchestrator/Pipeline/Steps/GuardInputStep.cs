using AiAspire.Contracts;
using AiAspire.Contracts.Guard;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Caching;
using AiAspire.Orchestrator.Clients;

namespace AiAspire.Orchestrator.Pipeline.Steps;

/// <summary>Masks PII before anything leaves for a model; fails closed when the guardrails cannot be reached.</summary>
public sealed partial class GuardInputStep(
    IGuardrailClient guardrails, GuardPolicyVersions policyVersions, IHttpContextAccessor http, ILogger<GuardInputStep> logger) : IPipelineStep
{
    public string Name => "guard-input";

    public async ValueTask ExecuteAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        GuardInputResponse verdict;
        try
        {
            verdict = await guardrails.CheckInputAsync(
                context.Tenant,
                new GuardInputRequest([.. context.Messages.Select(m => new GuardMessage(m.Role, m.Content))]),
                cancellationToken);
        }
        catch (DownstreamException ex)
        {
            LogGuardFailed(ex, ex.Status);
            context.Status = "error";
            context.Error = "guardrails unavailable";
            if (!ex.IsCallerError && http.HttpContext is { Response.HasStarted: false } current)
            {
                current.Response.Headers.RetryAfter = GuardrailClient.RetryAfterSeconds;
            }
            context.Problem = ex.IsCallerError
                ? JsonBody.Validation("The guardrails rejected the messages: " + ex.Message)
                : TypedResults.Problem("The input guardrails are unavailable, so the request was not sent to a model.",
                    statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Unavailable);
            return;
        }

        policyVersions.Observe(verdict.PolicyVersion);
        context.InputPolicyVersion = verdict.PolicyVersion;
        context.GuardFindings.AddRange(verdict.Findings);
        if (!verdict.Allowed)
        {
            context.Status = "blocked";
            context.Problem = TypedResults.Problem(
                "The request was blocked by the input guardrails: " + string.Join("; ", verdict.Reasons),
                statusCode: StatusCodes.Status400BadRequest, title: "Blocked", type: ProblemTypes.Blocked);
            return;
        }

        if (verdict.Messages.Count != context.Messages.Count)
        {
            throw new InvalidOperationException($"The guardrails returned {verdict.Messages.Count} messages for {context.Messages.Count}.");
        }
        // Masking changes the text only: a tool message keeps its call id, an assistant message its tool calls.
        context.Messages = [.. verdict.Messages.Select((m, i) => context.Messages[i] with { Content = m.Content })];
        context.VaultId = verdict.VaultId;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Input guardrails failed ({Status}); failing closed")]
    private partial void LogGuardFailed(Exception ex, System.Net.HttpStatusCode? status);
}
