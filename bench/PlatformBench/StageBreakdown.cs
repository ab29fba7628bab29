using System.Globalization;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;

namespace AiAspire.PlatformBench;

/// <summary>
/// Where the orchestrator spent its time: the per-stage latencies its InferenceCompleted events carry (read back from
/// the <c>inference-events</c> Redis stream), median per scenario. The gap between the gateway-measured latency and the
/// orchestrator's own total is the gateway plus the client's hop.
/// </summary>
/// <remarks>
/// The event bus trims acknowledged entries older than about 10 s, so one read at the end would find the last
/// scenario's events only: <see cref="CollectAsync"/> runs after each point (outside its measured phase) and reads what
/// was added since the previous call, which covers at least each point's last 10 s.
/// </remarks>
internal sealed class StageBreakdown(IConnectionMultiplexer redis, Topology topology) : IAsyncDisposable
{
    private const string Stream = "inference-events";

    /// <summary>Entries read per call at most, and events kept per scenario at most.</summary>
    private const int MaxEvents = 50_000;

    private const int Page = 5_000;

    private readonly Dictionary<string, List<(double Total, Dictionary<string, double> Stages)>> _groups = new(StringComparer.Ordinal);

    /// <summary>The last entry read; the next read starts after it.</summary>
    private string? _last;

    /// <param name="topology">The layout that runs: its rows are labelled like its rows in the table.</param>
    public static async Task<StageBreakdown> ConnectAsync(string redisConnectionString, Topology topology) =>
        new(await ConnectionMultiplexer.ConnectAsync(redisConnectionString), topology);

    /// <summary>Reads the events added since the previous call.</summary>
    public Task CollectAsync(CancellationToken cancellationToken) => ReadAsync(keep: true, cancellationToken);

    /// <summary>Passes over the events so far (the start's checks and warm-up), so that none is counted.</summary>
    public Task SkipAsync(CancellationToken cancellationToken) => ReadAsync(keep: false, cancellationToken);

    private async Task ReadAsync(bool keep, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        for (var read = 0; read < MaxEvents; read += Page)
        {
            var entries = await db.StreamRangeAsync(Stream, _last is null ? "-" : "(" + _last, "+", Page, Order.Ascending);
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var entry in entries)
            {
                _last = entry.Id.ToString();
                var body = entry["event"];
                if (!keep)
                {
                    continue;
                }
                if (body.IsNullOrEmpty || Parse(body.ToString(), topology) is not { } parsed)
                {
                    continue;
                }
                if (!_groups.TryGetValue(parsed.Scenario, out var list))
                {
                    _groups[parsed.Scenario] = list = [];
                }
                if (list.Count < MaxEvents)
                {
                    list.Add((parsed.Total, parsed.Stages));
                }
            }
            if (entries.Length < Page)
            {
                return;
            }
        }
    }

    /// <summary>Median total and median per stage of every scenario collected.</summary>
    public string Table()
    {
        if (_groups.Count == 0)
        {
            return "No InferenceCompleted events were found in the inference-events stream.";
        }

        var stages = _groups.Values.SelectMany(g => g).SelectMany(e => e.Stages.Keys).Distinct().ToList();
        var text = new StringBuilder();
        text.AppendLine("| scenario (events) | orchestrator total | " + string.Join(" | ", stages) + " |");
        text.AppendLine("| --- | ---: | " + string.Join(" | ", stages.Select(_ => "---:")) + " |");
        foreach (var (scenario, events) in _groups.OrderBy(g => g.Key, StringComparer.Ordinal))
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

    public async ValueTask DisposeAsync() => await redis.DisposeAsync();

    private static (string Scenario, double Total, Dictionary<string, double> Stages)? Parse(string cloudEvent, Topology topology)
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
            kind = topology.Label(kind);
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
