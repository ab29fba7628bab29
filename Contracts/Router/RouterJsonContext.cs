using System.Text.Json;
using System.Text.Json.Serialization;

namespace AiAspire.Contracts.Router;

/// <summary>Source-generated serializers for the router's contracts beyond <see cref="ContractsJsonContext"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RouteExplanation))]
public sealed partial class RouterJsonContext : JsonSerializerContext;
