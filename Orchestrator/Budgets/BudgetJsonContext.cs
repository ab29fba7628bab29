using System.Text.Json;
using System.Text.Json.Serialization;

namespace AiAspire.Orchestrator.Budgets;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<RouterModel>))]
internal sealed partial class BudgetJsonContext : JsonSerializerContext;
