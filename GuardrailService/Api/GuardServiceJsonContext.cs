using System.Text.Json;
using System.Text.Json.Serialization;

namespace AiAspire.GuardrailService.Api;

/// <summary>Source-generated serializers for the service's own wire types (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GuardOutputBody))]
public sealed partial class GuardServiceJsonContext : JsonSerializerContext;
