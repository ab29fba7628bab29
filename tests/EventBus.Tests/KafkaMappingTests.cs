using System.Text;
using AiAspire.EventBus.Kafka;
using AiAspire.EventBus.RedisStreams;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace AiAspire.EventBus.Tests;

/// <summary>What the Kafka transport can be checked for without a broker: client settings, record mapping, wiring.</summary>
public sealed class KafkaMappingTests : IDisposable
{
    private readonly string _spillPath = BusHost.NewSpillPath();

    private static readonly Uri Source = new("/aiaspire/test", UriKind.Relative);
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public void ProducerConfig_IsIdempotent_WithAcksFromAllReplicas()
    {
        var config = KafkaConfigs.Producer(new KafkaConnection("127.0.0.1:9092"));

        Assert.Equal("127.0.0.1:9092", config.BootstrapServers);
        Assert.True(config.EnableIdempotence);
        Assert.Equal(Acks.All, config.Acks);
    }

    [Fact]
    public void ConsumerConfig_CommitsOnlyWhenTold_AndStartsAtTheEarliestOffset()
    {
        var config = KafkaConfigs.Consumer(new KafkaConnection("127.0.0.1:9092"), "feedbackworker");

        Assert.Equal("feedbackworker", config.GroupId);
        Assert.False(config.EnableAutoCommit);
        Assert.False(config.EnableAutoOffsetStore);
        Assert.Equal(AutoOffsetReset.Earliest, config.AutoOffsetReset);
    }

    [Fact]
    public void ToRecord_KeysByTenant_CarriesTheCloudEventAsValue_AndTraceContextAsHeaders()
    {
        var message = EventEnvelope.Encode(SampleEvents.Inference("req-1", tenant: "globex"), Source, TraceParent, "vendor=x");

        var record = KafkaMessages.ToRecord(message);

        Assert.Equal("globex", record.Key);
        Assert.Equal(message.Body.ToArray(), record.Value);
        Assert.Equal("application/cloudevents+json", KafkaMessages.Header(record.Headers, "content-type"));
        Assert.Equal((TraceParent, "vendor=x"), KafkaMessages.TraceContextOf(record.Headers));
        var (envelope, decoded) = EventEnvelope.Decode<AiAspire.Contracts.Events.InferenceCompleted>(record.Value);
        Assert.Equal(message.Id, envelope.Id);
        Assert.Equal("req-1", decoded.RequestId);
    }

    [Fact]
    public void ToRecord_WithoutTraceContext_HasNoTraceHeaders()
    {
        var record = KafkaMessages.ToRecord(EventEnvelope.Encode(SampleEvents.Inference("req-1"), Source, null, null));

        Assert.Equal((null, null), KafkaMessages.TraceContextOf(record.Headers));
        Assert.DoesNotContain(record.Headers, h => h.Key is "traceparent" or "tracestate");
    }

    [Fact]
    public void ToDeadLetter_KeepsKeyValueAndHeaders_AndSaysWhoGaveUpAfterHowManyDeliveries()
    {
        var record = KafkaMessages.ToRecord(EventEnvelope.Encode(SampleEvents.Inference("req-1"), Source, TraceParent, null));

        var dead = KafkaMessages.ToDeadLetter(record, "feedbackworker", 5, new string('x', 2_000));

        Assert.Equal(record.Key, dead.Key);
        Assert.Equal(record.Value, dead.Value);
        Assert.Equal(TraceParent, KafkaMessages.TraceContextOf(dead.Headers).TraceParent);
        Assert.Equal("feedbackworker", KafkaMessages.Header(dead.Headers, KafkaMessages.GroupHeader));
        Assert.Equal("5", KafkaMessages.Header(dead.Headers, KafkaMessages.DeliveriesHeader));
        Assert.Equal(512, KafkaMessages.Header(dead.Headers, KafkaMessages.ErrorHeader)!.Length);
    }

    [Fact]
    public void DeadLetterTopic_IsTheTopicWithDlqSuffix() =>
        Assert.Equal("inference-events.dlq", DeadLetters.TopicOf("inference-events"));

    [Fact]
    public void AddEventBus_WithAnEventsConnectionString_UsesKafka_ForPublishingAndConsuming()
    {
        using var host = Build(new() { ["ConnectionStrings:events"] = "127.0.0.1:9" });

        Assert.IsType<KafkaTransport>(host.Services.GetRequiredService<IEventTransport>());
        Assert.Equal("127.0.0.1:9", host.Services.GetRequiredService<KafkaConnection>().BootstrapServers);
        Assert.Contains(host.Services.GetServices<IHostedService>(), s => s.GetType().Name.StartsWith("KafkaConsumer", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Services.GetServices<IHostedService>(), s => s.GetType().Name.StartsWith("RedisStreamsConsumer", StringComparison.Ordinal));
    }

    [Fact]
    public void AddEventBus_WithoutAnEventsConnectionString_UsesRedisStreams()
    {
        using var host = Build([]);

        Assert.IsType<RedisStreamsTransport>(host.Services.GetRequiredService<IEventTransport>());
        Assert.Contains(host.Services.GetServices<IHostedService>(), s => s.GetType().Name.StartsWith("RedisStreamsConsumer", StringComparison.Ordinal));
    }

    private IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "EventBus.Tests" });
        settings["EventBus:SpillPath"] = _spillPath;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect("127.0.0.1:9,abortConnect=false,connectTimeout=100"));
        builder.Services.AddSingleton(new Inbox());
        builder.AddEventBus();
        builder.AddEventHandler<AiAspire.Contracts.Events.InferenceCompleted, InboxHandler>("g");
        return builder.Build();
    }

    public void Dispose()
    {
        if (Directory.Exists(_spillPath))
        {
            Directory.Delete(_spillPath, recursive: true);
        }
    }
}
