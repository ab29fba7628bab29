using System.Text.Json;

namespace AiAspire.Contracts.OpenAI;

/// <summary>OpenAI <c>POST /v1/chat/completions</c> request body (snake_case on the wire).</summary>
public sealed record ChatCompletionRequest
{
    public string? Model { get; init; }
    public List<ChatMessage>? Messages { get; init; }
    public bool? Stream { get; init; }
    public StreamOptions? StreamOptions { get; init; }
    public int? MaxTokens { get; init; }
    public int? MaxCompletionTokens { get; init; }
    public double? Temperature { get; init; }
    public double? TopP { get; init; }
    /// <summary>A string or an array of strings.</summary>
    public JsonElement? Stop { get; init; }
    public long? Seed { get; init; }
    public string? User { get; init; }
    public JsonElement? ResponseFormat { get; init; }
    public JsonElement? Tools { get; init; }
    public JsonElement? ToolChoice { get; init; }
}

public sealed record StreamOptions(bool? IncludeUsage);
