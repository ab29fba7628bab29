using System.Text.Json.Serialization.Metadata;

namespace AiAspire.Contracts.Events;

/// <summary>A retraining dataset was written; <see cref="Sha256"/> is of its JSONL file.</summary>
public sealed record DatasetExported(
    string DatasetId,
    string Tenant,
    int Count,
    DateTimeOffset From,
    DateTimeOffset To,
    string Filter,
    string Sha256,
    DateTimeOffset ExportedAt) : IIntegrationEvent<DatasetExported>
{
    public const string TopicName = "dataset-events";

    public static string Topic => TopicName;
    public static string EventType => "aiaspire.dataset.exported";
    public static JsonTypeInfo<DatasetExported> JsonTypeInfo => EventsJsonContext.Default.DatasetExported;
    public string Subject => Tenant;
}
