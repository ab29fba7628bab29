using System.Text.Json;
using AiAspire.Contracts.Router;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Complexity;
using AiAspire.RouterService.Offline;

namespace AiAspire.RouterService.Routing;

/// <summary>What a request needs from a deployment, estimated once per request before routing.</summary>
/// <param name="Capabilities">Needed capabilities: the request's own plus "json" for a JSON response format.</param>
/// <param name="LazyComplexity">The <see cref="Complexity"/>, scored on first use: only the complexity strategy and the
/// route explanation read it, and scoring runs five regular expressions over the prompt (about 6 % of the router's CPU
/// per completion in a profile).</param>
public sealed record RequestProfile(
    int EstimatedPromptTokens,
    int? RequestedOutputTokens,
    IReadOnlySet<string> Capabilities,
    bool Streaming,
    string? User,
    Lazy<ComplexityScore> LazyComplexity)
{
    public ComplexityScore Complexity => LazyComplexity.Value;

    /// <summary>Tokens a message costs beyond its text (role and separators), as chat formats add them.</summary>
    public const int TokensPerMessage = 4;

    public static RequestProfile Of(CompletionRequest request, PromptComplexityClassifier classifier)
    {
        var messages = request.Messages ?? [];
        var capabilities = new HashSet<string>(request.Capabilities ?? [], StringComparer.OrdinalIgnoreCase);
        if (request.ResponseFormat is { ValueKind: JsonValueKind.Object } format
            && format.TryGetProperty("type", out var type)
            && (type.ValueEquals("json_object") || type.ValueEquals("json_schema")))
        {
            capabilities.Add(DeploymentCapabilities.Json);
        }
        if (request.Tools is { Count: > 0 })
        {
            capabilities.Add(DeploymentCapabilities.Tools);
        }
        return new RequestProfile(
            messages.Sum(m => TokenEstimator.Estimate(m?.Content) + TokensPerMessage),
            request.MaxTokens,
            capabilities,
            request.Stream,
            string.IsNullOrWhiteSpace(request.User) ? null : request.User,
            new Lazy<ComplexityScore>(() => classifier.Classify(messages)));
    }

    /// <summary>Why <paramref name="deployment"/> cannot serve this request, or null when it can.</summary>
    public string? Unfit(Deployment deployment)
    {
        if (Capabilities.Count > 0 && Capabilities.Any(c => !deployment.Can(c)))
        {
            return $"lacks {string.Join(", ", Capabilities.Where(c => !deployment.Can(c)).Order(StringComparer.Ordinal))}";
        }
        var output = deployment.OutputBudget(RequestedOutputTokens);
        return EstimatedPromptTokens + output > deployment.Options.ContextWindow
            ? $"~{EstimatedPromptTokens} prompt tokens + {output} output tokens exceed its context window of {deployment.Options.ContextWindow}"
            : null;
    }
}
