using System.Text.Json;
using System.Text.Json.Serialization;

namespace AiAspire.Contracts.Platform;

/// <summary>Source-generated serializers for the platform API (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FeedbackRequest))]
[JsonSerializable(typeof(FeedbackAccepted))]
[JsonSerializable(typeof(ChatRequest))]
[JsonSerializable(typeof(ChatReply))]
[JsonSerializable(typeof(ChatStreamDelta))]
[JsonSerializable(typeof(ChatStreamDone))]
[JsonSerializable(typeof(ChatStreamError))]
public sealed partial class PlatformJsonContext : JsonSerializerContext;
