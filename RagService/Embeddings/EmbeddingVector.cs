using System.Text.Json.Serialization;

namespace AiAspire.RagService.Embeddings;

/// <summary>On the wire either an array of numbers or, when <see cref="AsBase64"/>, the base64 of its little-endian float32 bytes.</summary>
[JsonConverter(typeof(EmbeddingVectorJsonConverter))]
public readonly record struct EmbeddingVector(ReadOnlyMemory<float> Values, bool AsBase64);
