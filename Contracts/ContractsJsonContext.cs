using System.Text.Json;
using System.Text.Json.Serialization;
using AiAspire.Contracts.Events;
using AiAspire.Contracts.Guard;
using AiAspire.Contracts.Quality;
using AiAspire.Contracts.Rag;
using AiAspire.Contracts.Router;

namespace AiAspire.Contracts;

/// <summary>Source-generated serializers for the platform's own contracts (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GuardInputRequest))]
[JsonSerializable(typeof(GuardInputResponse))]
[JsonSerializable(typeof(GuardOutputRequest))]
[JsonSerializable(typeof(GuardOutputResponse))]
[JsonSerializable(typeof(IngestDocumentRequest))]
[JsonSerializable(typeof(IngestDocumentResponse))]
[JsonSerializable(typeof(DocumentInfo))]
[JsonSerializable(typeof(IReadOnlyList<DocumentInfo>))]
[JsonSerializable(typeof(RetrieveRequest))]
[JsonSerializable(typeof(RetrieveResponse))]
[JsonSerializable(typeof(CompletionRequest))]
[JsonSerializable(typeof(CompletionResponse))]
[JsonSerializable(typeof(CompletionStreamEvent))]
[JsonSerializable(typeof(IReadOnlyList<ModelDescriptor>))]
[JsonSerializable(typeof(InferenceCompleted))]
[JsonSerializable(typeof(QualitySummary))]
[JsonSerializable(typeof(ModelComparisonList))]
[JsonSerializable(typeof(QualityTimeSeries))]
[JsonSerializable(typeof(RouterQualitySnapshot))]
public sealed partial class ContractsJsonContext : JsonSerializerContext;
