using System.Text.Json;
using System.Text.Json.Serialization;

namespace AiAspire.Orchestrator.Caching;

/// <summary>Source-generated serializers for what the caches keep in Redis.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CheckedAnswer))]
internal sealed partial class CachingJsonContext : JsonSerializerContext;
