using System.Text.Json;

namespace AiAspire.RagService.Embeddings;

/// <summary>OpenAI <c>POST /v1/embeddings</c> request body (snake_case on the wire).</summary>
public sealed record EmbeddingRequest
{
    /// <summary>A string or an array of strings (token arrays are not accepted).</summary>
    public JsonElement? Input { get; init; }
    public string? Model { get; init; }
    /// <summary>"float" (default) or "base64" (little-endian float32, what the OpenAI SDKs ask for by default).</summary>
    public string? EncodingFormat { get; init; }
    public int? Dimensions { get; init; }
    public string? User { get; init; }
}
