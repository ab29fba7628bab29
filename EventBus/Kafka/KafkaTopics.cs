using System.Collections.Concurrent;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Options;

namespace AiAspire.EventBus.Kafka;

/// <summary>Creates each topic the bus uses, and its dead-letter topic, once, with the configured partitions.</summary>
public sealed class KafkaTopics(KafkaConnection connection, IOptions<KafkaOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _ensured = new();
    private readonly Lazy<IAdminClient> _admin = new(() => new AdminClientBuilder(KafkaConfigs.Admin(connection)).Build());

    public Task EnsureAsync(string topic)
    {
        var ensured = _ensured.GetOrAdd(topic, t => new Lazy<Task>(() => CreateAsync(t)));
        if (ensured.Value.IsFaulted)
        {
            // Let the next call try again rather than remembering a broker outage forever.
            _ensured.TryRemove(new KeyValuePair<string, Lazy<Task>>(topic, ensured));
        }
        return ensured.Value;
    }

    public void Dispose()
    {
        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }
    }

    private async Task CreateAsync(string topic)
    {
        var settings = options.Value;
        TopicSpecification[] specifications =
        [
            new() { Name = topic, NumPartitions = settings.Partitions, ReplicationFactor = settings.ReplicationFactor },
            new() { Name = DeadLetters.TopicOf(topic), NumPartitions = settings.Partitions, ReplicationFactor = settings.ReplicationFactor },
        ];
        try
        {
            await _admin.Value.CreateTopicsAsync(specifications);
        }
        catch (CreateTopicsException ex) when (ex.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
        }
    }
}
