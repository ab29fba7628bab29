using System.Text.Json;
using System.Text.Json.Serialization;

namespace AiAspire.Contracts.Guard;

/// <summary>Source-generated serializers for the guard contracts added after <see cref="ContractsJsonContext"/> (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GuardDocumentsRequest))]
[JsonSerializable(typeof(GuardDocumentsResponse))]
public sealed partial class GuardJsonContext : JsonSerializerContext;
