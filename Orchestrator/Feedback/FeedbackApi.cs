using System.Text.RegularExpressions;
using AiAspire.Contracts;
using AiAspire.Contracts.Events;
using AiAspire.Contracts.Guard;
using AiAspire.Contracts.Platform;
using AiAspire.EventBus;
using AiAspire.Orchestrator.Clients;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.Orchestrator.Feedback;

/// <summary><c>POST /api/feedback</c>: a rating of an answer becomes a FeedbackSubmitted event, with any text masked.</summary>
public static partial class FeedbackApi
{
    public static RouteGroupBuilder MapFeedbackApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireTenant();
        api.MapPost("/feedback", SubmitFeedback);
        return api;
    }

    public static async Task<IResult> SubmitFeedback(
        HttpContext http, ResponseLedger ledger, IGuardrailClient guardrails, IEventPublisher events,
        IOptionsMonitor<FeedbackOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync(http.Request, PlatformJsonContext.Default.FeedbackRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var limits = options.CurrentValue;
        if (request!.ResponseId is not { } responseId || !ResponseId().IsMatch(responseId))
        {
            return JsonBody.Validation("responseId must be the id of an answer (chatcmpl-…).");
        }
        if (request.Rating is not (1 or -1))
        {
            return JsonBody.Validation("rating must be 1 (helpful) or -1 (not helpful).");
        }
        if (request.Comment is { Length: var commentLength } && commentLength > limits.MaxCommentLength
            || request.Correction is { Length: var correctionLength } && correctionLength > limits.MaxCorrectionLength)
        {
            return JsonBody.Validation($"comment may hold {limits.MaxCommentLength} and correction {limits.MaxCorrectionLength} characters at most.");
        }

        var tenant = http.GetTenant();
        (string Model, string Route)? answer;
        try
        {
            answer = await ledger.FindAsync(tenant, responseId);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return TypedResults.Problem("Feedback cannot be recorded right now; try again shortly.",
                statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Unavailable);
        }
        if (answer is not { } rated)
        {
            return TypedResults.Problem($"No answer '{responseId}' of yours can be rated (unknown, another tenant's, or too old).",
                statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound);
        }

        string? comment = request.Comment, correction = request.Correction;
        if (!string.IsNullOrEmpty(comment) || !string.IsNullOrEmpty(correction))
        {
            try
            {
                var masked = await guardrails.CheckInputAsync(tenant,
                    new GuardInputRequest([new GuardMessage("user", comment ?? ""), new GuardMessage("assistant", correction ?? "")]),
                    cancellationToken);
                comment = string.IsNullOrEmpty(comment) ? comment : masked.Messages[0].Content;
                correction = string.IsNullOrEmpty(correction) ? correction : masked.Messages[1].Content;
            }
            catch (DownstreamException)
            {
                return TypedResults.Problem("The guardrails are unavailable, so feedback text cannot be masked and was not stored.",
                    statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Unavailable);
            }
        }

        var rating = request.Rating == 1 ? FeedbackRatings.Up : FeedbackRatings.Down;
        events.Publish(new FeedbackSubmitted(responseId, tenant, rated.Model, rated.Route, rating, clock.GetUtcNow(), comment, correction));
        return TypedResults.Json(new FeedbackAccepted(responseId, rating), PlatformJsonContext.Default.FeedbackAccepted,
            statusCode: StatusCodes.Status202Accepted);
    }

    [GeneratedRegex("^chatcmpl-[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex ResponseId();
}
