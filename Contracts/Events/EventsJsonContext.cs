using System.Text.Json;
using System.Text.Json.Serialization;

namespace AiAspire.Contracts.Events;

/// <summary>Source-generated serializers for integration events added after <see cref="ContractsJsonContext"/> (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FeedbackSubmitted))]
[JsonSerializable(typeof(AlertRaised))]
[JsonSerializable(typeof(InteractionCaptured))]
[JsonSerializable(typeof(DatasetExported))]
[JsonSerializable(typeof(IReadOnlyList<DatasetExported>))]
[JsonSerializable(typeof(IReadOnlyList<AlertRaised>))]
public sealed partial class EventsJsonContext : JsonSerializerContext;
