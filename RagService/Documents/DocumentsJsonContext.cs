using System.Text.Json;
using System.Text.Json.Serialization;
using AiAspire.Contracts.Rag;

namespace AiAspire.RagService.Documents;

/// <summary>Serializers for the upload path's types that the shared ContractsJsonContext does not (yet) carry; camelCase like it.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(IngestBatchResponse))]
[JsonSerializable(typeof(IngestionJobResponse))]
[JsonSerializable(typeof(IngestionJobRecord))]
public sealed partial class DocumentsJsonContext : JsonSerializerContext;
