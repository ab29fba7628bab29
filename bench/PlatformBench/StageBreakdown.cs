using System.Globalization;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;

namespace AiAspire.PlatformBench;

/// <summary>
/// Where the orchestrator spent its time: the per-stage latencies its InferenceCompleted events carry (read back from
/// the <c>inference-events</c> Redis stream after the run), median per scenario. The gap between the gateway-measured
/// latency and the orchestrator's own total is the gateway plus the client's hop.
/// </summary>
internal static class StageBreakdown
{
    private const int MaxEvents = 50_000;

    public static async Task<string> ReadAsync(string redisConnectionString, CancellationToken cancellationToken)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisConnectionString);
        var entries = await redis.GetDatabase().StreamRangeAsync("inference-events", "-", "+", MaxEvents, Order.Descending);
        cancellationToken.ThrowIfCancellationRequested();

        var groups = new Dictionary<string, List<(double Total, Dictionary<string, double> Stages)>>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var body = entry["event"];
            if (body.IsNullOrEmpty || Parse(body.ToString()) is not { } parsed)
            {
                continue;
            }
            if (!groups.TryGetValue(parsed.Scenario, out var list))
            {
                groups[parsed.Scenario] = list = [];
            }
            list.Add((parsed.Total, parsed.Stages));
        }
        if (groups.Count == 0)
        {
            return "No InferenceCompleted events were found in the inference-events stream.";
        }

        var stages = groups.Values.SelectMany(g => g).SelectMany(e => e.Stages.Keys).Distinct().ToList();
        var text = new StringBuilder();
        text.AppendLine("| scenario (events) | orchestrator total | " + string.Join(" | ", stages) + " |");
        text.AppendLine("| --- | ---: | " + string.Join(" | ", stages.Select(_ => "---:")) + " |");
        foreach (var (scenario, events) in groups.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var cells = stages.Select(stage =>
            {
                var values = events.Where(e => e.Stages.ContainsKey(stage)).Select(e => e.Stages[stage]).ToList();
                return values.Count == 0 ? "" : Median(values).ToString("F2", CultureInfo.InvariantCulture);
            });
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {scenario} ({events.Count}) | {Median([.. events.Select(e => e.Total)]):F2} | {string.Join(" | ", cells)} |"));
        }
        return text.ToString();
    }

    private static (string Scenario, double Total, Dictionary<string, double> Stages)? Parse(string cloudEvent)
    {
        try
        {
            using var envelope = JsonDocument.Parse(cloudEvent);
            if (!envelope.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            var tenant = data.TryGetProperty("tenant", out var t) ? t.GetString() : null;
            if (tenant is not (AiAspirePlatform.Tenant or AiAspirePlatform.RagTenant))
            {
                return null;
            }
            var cacheHit = data.TryGetProperty("cacheHit", out var hit) && hit.ValueKind == JsonValueKind.True;
            var stream = data.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            var kind = (tenant, cacheHit, stream) switch
            {
                (_, true, _) => "aiaspire cache hit",
                (_, _, true) => "ttft aiaspire (stream)",
                (AiAspirePlatform.RagTenant, _, _) => "aiaspire + rag",
                _ => "aiaspire",
            };
            var deployment = data.TryGetProperty("deployment", out var d) ? d.GetString() : null;
            var scenario = cacheHit || string.IsNullOrEmpty(deployment) ? kind : $"{kind}, {deployment}";
            var stages = new Dictionary<string, double>(StringComparer.Ordinal);
            if (data.TryGetProperty("stageLatencyMs", out var latencies) && latencies.ValueKind == JsonValueKind.Object)
            {
                foreach (var stage in latencies.EnumerateObject())
                {
                    stages[stage.Name] = stage.Value.GetDouble();
                }
            }
            return (scenario, data.TryGetProperty("latencyMs", out var total) ? total.GetDouble() : double.NaN, stages);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? double.NaN : values[values.Count / 2];
    }
}
