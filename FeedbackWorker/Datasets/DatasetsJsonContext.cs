using System.Text.Json;
using System.Text.Json.Serialization;

namespace AiAspire.FeedbackWorker.Datasets;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RatingRecord))]
[JsonSerializable(typeof(FineTuningExample))]
internal sealed partial class DatasetsJsonContext : JsonSerializerContext;
