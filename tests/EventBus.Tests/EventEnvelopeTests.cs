using System.Text;
using System.Text.Json;
using AiAspire.Contracts.Events;

namespace AiAspire.EventBus.Tests;

public class EventEnvelopeTests
{
    private static readonly Uri Source = new("/aiaspire/orchestrator", UriKind.Relative);

    [Fact]
    public void Encode_WritesACloudEvents10StructuredJsonMessage()
    {
        var before = DateTimeOffset.UtcNow;

        var message = EventEnvelope.Encode(SampleEvents.Inference("req-1"), Source, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "vendor=x");

        using var json = JsonDocument.Parse(message.Body);
        var root = json.RootElement;
        Assert.Equal("1.0", root.GetProperty("specversion").GetString());
        Assert.Equal(message.Id, root.GetProperty("id").GetString());
        Assert.Matches("^[0-9a-f]{32}$", message.Id);
        Assert.Equal("aiaspire.inference.completed", root.GetProperty("type").GetString());
        Assert.Equal("/aiaspire/orchestrator", root.GetProperty("source").GetString());
        Assert.Equal("acme", root.GetProperty("subject").GetString());
        Assert.Equal("application/json", root.GetProperty("datacontenttype").GetString());
        var time = DateTimeOffset.Parse(root.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(time, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal("req-1", root.GetProperty("data").GetProperty("requestId").GetString());

        Assert.Equal(Topics.InferenceEvents, message.Topic);
        Assert.Equal("aiaspire.inference.completed", message.Type);
        Assert.Equal("acme", message.Key);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", message.TraceParent);
        Assert.Equal("vendor=x", message.TraceState);
    }

    [Fact]
    public void Encode_GivesEveryEventItsOwnId()
    {
        var first = EventEnvelope.Encode(SampleEvents.Inference("req-1"), Source, null, null);
        var second = EventEnvelope.Encode(SampleEvents.Inference("req-1"), Source, null, null);

        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public void Decode_OfEncode_RoundTripsEnvelopeAndEvent()
    {
        var original = SampleEvents.Inference("req-2", tenant: "globex");
        var message = EventEnvelope.Encode(original, Source, null, null);

        var (envelope, decoded) = EventEnvelope.Decode<InferenceCompleted>(message.Body);

        Assert.Equal(message.Id, envelope.Id);
        Assert.Equal(InferenceCompleted.EventType, envelope.Type);
        Assert.Equal(Source, envelope.Source);
        Assert.Equal("globex", envelope.Subject);
        Assert.Equal("application/json", envelope.DataContentType);
        Assert.NotNull(envelope.Time);
        Assert.Equal(original.StageLatencyMs, decoded.StageLatencyMs);
        Assert.Equal(original.GuardFindings, decoded.GuardFindings);
        Assert.Equal(original, decoded with { StageLatencyMs = original.StageLatencyMs, GuardFindings = original.GuardFindings });
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "not JSON", "this is not json" },
        { "JSON but no CloudEvent", """{"hello":"world"}""" },
        { "another event type", CloudEvent("aiaspire.feedback.received", "\"data\":{}") },
        { "no data", CloudEvent(InferenceCompleted.EventType, "\"x\":1") },
        { "data of the wrong shape", CloudEvent(InferenceCompleted.EventType, "\"data\":{\"tokensIn\":\"many\"}") },
        { "data that is JSON null", CloudEvent(InferenceCompleted.EventType, "\"data\":null") },
        { "data that is text", CloudEvent(InferenceCompleted.EventType, "\"data\":\"hello\"", "text/plain") },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Decode_OfMalformedMessage_ThrowsFormatException(string why, string body)
    {
        var ex = Record.Exception(() => EventEnvelope.Decode<InferenceCompleted>(Encoding.UTF8.GetBytes(body)));

        Assert.True(ex is FormatException, $"{why}: expected FormatException, got {ex?.GetType().Name ?? "no exception"}");
    }

    private static string CloudEvent(string type, string rest, string contentType = "application/json") =>
        $$"""{"specversion":"1.0","id":"e1","type":"{{type}}","source":"/test","subject":"acme","datacontenttype":"{{contentType}}",{{rest}}}""";
}
