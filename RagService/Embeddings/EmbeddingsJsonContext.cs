using System.Text.Json;
using System.Text.Json.Serialization;

namespace AiAspire.RagService.Embeddings;

/// <summary>The OpenAI embeddings wire format: snake_case, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EmbeddingRequest))]
[JsonSerializable(typeof(EmbeddingResponse))]
public sealed partial class EmbeddingsJsonContext : JsonSerializerContext;
