using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AiAspire.RouterService.Tests.Resilience;
using static AiAspire.RouterService.Tests.Api.RouterHttp;

namespace AiAspire.RouterService.Tests.Providers;

/// <summary>Every adapter is wrapped in the OpenTelemetry decorator: GenAI metrics per call, streams included.</summary>
public sealed class GenAiTelemetryTests : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();

    public GenAiTelemetryTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == RouterTelemetry.Name && instrument.Name.StartsWith("gen_ai.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>(Record);
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) => Record(instrument, value, tags, state));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, state) => Record(instrument, value, tags, state));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }
        _measurements.Enqueue((instrument.Name, value, copy));
    }

    private List<(string Instrument, double Value, Dictionary<string, object?> Tags)> For(string model) =>
        [.. _measurements.Where(m => Equals(m.Tags.GetValueOrDefault("gen_ai.request.model"), model))];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnthropicCall_RecordsOperationDurationAndInputAndOutputTokenUsage(bool stream)
    {
        var model = $"claude-telemetry-{Guid.NewGuid():N}";
        var claude = new FakeAnthropicServer("sk-test");
        await using var router = await ResilientRouter.StartAsync([("claude", claude)], new() { ["Catalog:Deployments:claude:ModelId"] = model });
        using var client = router.CreateClient();

        if (stream)
        {
            await StreamAsync(client, Ask("claude", "hello"));
        }
        else
        {
            await CompleteAsync(client, Ask("claude", "hello"));
        }

        var measurements = For(model);
        Assert.Contains(measurements, m => m.Instrument == "gen_ai.client.operation.duration" && m.Value > 0);
        var usage = measurements.Where(m => m.Instrument == "gen_ai.client.token.usage")
            .ToDictionary(m => (string)m.Tags["gen_ai.token.type"]!, m => m.Value);
        Assert.Equal(FakeAnthropicServer.InputTokens, usage["input"]);
        Assert.Equal(FakeAnthropicServer.OutputTokens, usage["output"]);
    }
}
