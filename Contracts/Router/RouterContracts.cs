using System.Text.Json;

namespace AiAspire.Contracts.Router;

/// <summary>One message of the conversation sent to a model.</summary>
/// <param name="Role">"system", "developer", "user", "assistant" or "tool".</param>
/// <param name="ToolCallId">For a "tool" message: the id of the call it answers.</param>
/// <param name="ToolCalls">For an "assistant" message: the calls the model asked for.</param>
public sealed record RouterMessage(string Role, string Content, string? ToolCallId = null, IReadOnlyList<ToolCall>? ToolCalls = null);

/// <summary><c>POST /v1/complete</c>: <see cref="Model"/> is a deployment name or a route alias.</summary>
/// <param name="Capabilities">What the answer needs beyond plain text ("tools", "vision", "reasoning"); "json" is implied by <see cref="ResponseFormat"/>.</param>
/// <param name="Tools">Functions the model may call; a request with tools needs the "tools" capability.</param>
/// <param name="ToolChoice">How it may use them; the provider's default (auto) when null.</param>
public sealed record CompletionRequest(
    IReadOnlyList<RouterMessage> Messages,
    string? Model = null,
    string? Strategy = null,
    int? MaxTokens = null,
    double? Temperature = null,
    double? TopP = null,
    IReadOnlyList<string>? Stop = null,
    long? Seed = null,
    JsonElement? ResponseFormat = null,
    bool Stream = false,
    string? User = null,
    IReadOnlyList<string>? Capabilities = null,
    IReadOnlyList<ToolDefinition>? Tools = null,
    ToolChoice? ToolChoice = null);

/// <param name="ToolCalls">The calls the model asks for (finish reason "tool_calls"), or null.</param>
public sealed record CompletionResponse(
    string Text,
    string FinishReason,
    RouteDecision Route,
    TokenUsage Usage,
    decimal CostUsd,
    IReadOnlyList<ToolCall>? ToolCalls = null);

/// <param name="Route">The name the caller asked for (alias or deployment).</param>
public sealed record RouteDecision(
    string Route,
    string Deployment,
    string Model,
    string Provider,
    string Strategy,
    IReadOnlyList<RouteAttempt> Attempts);

/// <param name="Outcome">"ok", "error" or "skipped".</param>
public sealed record RouteAttempt(string Deployment, string Outcome, double LatencyMs, string? Error = null);

public sealed record TokenUsage(int InputTokens, int OutputTokens);

/// <summary>
/// One server-sent event of a streamed completion: "start" (the deployment chosen), many "delta", then one "done" or
/// "error". A delta carries text or whole tool calls (<see cref="ToolCalls"/>; providers' argument fragments are
/// joined before they are sent).
/// </summary>
public sealed record CompletionStreamEvent(
    string Type,
    string? Text = null,
    string? FinishReason = null,
    RouteDecision? Route = null,
    TokenUsage? Usage = null,
    decimal? CostUsd = null,
    string? Error = null,
    IReadOnlyList<ToolCall>? ToolCalls = null)
{
    public const string Start = "start";
    public const string Delta = "delta";
    public const string Done = "done";
    public const string Failed = "error";
}

public sealed record ModelDescriptor(string Id, string Kind, string Provider, string? Model, int? ContextWindow = null, int? MaxOutputTokens = null);
