using AiAspire.Contracts.Events;
using AiAspire.EventBus.Kafka;
using AiAspire.EventBus.Publishing;
using AiAspire.EventBus.RedisStreams;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.EventBus;

public static class EventBusExtensions
{
    /// <summary>
    /// The publisher and its send loop: over Kafka when the connection string <c>events</c> (bootstrap servers, or Key=Value pairs with SASL/TLS settings) is set,
    /// else over Redis Streams (connection string <c>cache</c>, whose multiplexer the service registers).
    /// </summary>
    public static IHostApplicationBuilder AddEventBus(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EventBusOptions>()
            .BindConfiguration(EventBusOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.PostConfigure<EventBusOptions>(o =>
            o.SpillPath = Path.GetFullPath(o.SpillPath ?? Path.Combine("data", "eventbus"), contentRoot));

        builder.Services.AddSingleton(new EventSource(new Uri($"/aiaspire/{builder.Environment.ApplicationName.ToLowerInvariant()}", UriKind.Relative)));
        builder.Services.AddSingleton<EventPublisher>();
        builder.Services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<EventPublisher>());
        builder.Services.AddHostedService<EventSendLoop>();

        if (KafkaBootstrapServers(builder) is { } connectionString)
        {
            builder.Services.AddKafkaTransport(connectionString);
        }
        else
        {
            builder.Services.AddSingleton<IEventTransport, RedisStreamsTransport>();
        }

        return builder;
    }

    /// <summary>Consumes <typeparamref name="TEvent"/>'s topic in <paramref name="consumerGroup"/> with <typeparamref name="THandler"/>.</summary>
    public static IHostApplicationBuilder AddEventHandler<TEvent, THandler>(this IHostApplicationBuilder builder, string consumerGroup)
        where TEvent : IIntegrationEvent<TEvent>
        where THandler : class, IEventHandler<TEvent>
    {
        builder.Services.AddScoped<IEventHandler<TEvent>, THandler>();
        if (KafkaBootstrapServers(builder) is not null)
        {
            builder.Services.AddHostedService(sp => new KafkaConsumer<TEvent>(
                sp.GetRequiredService<KafkaConnection>(),
                sp.GetRequiredService<KafkaTopics>(),
                sp.GetRequiredService<IServiceScopeFactory>(),
                consumerGroup,
                sp.GetRequiredService<IOptions<EventBusOptions>>(),
                sp.GetRequiredService<IOptions<KafkaOptions>>(),
                sp.GetRequiredService<ILogger<KafkaConsumer<TEvent>>>()));
            return builder;
        }
        builder.Services.AddHostedService(sp => new RedisStreamsConsumer<TEvent>(
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<IServiceScopeFactory>(),
            new ConsumerGroup(consumerGroup),
            sp.GetRequiredService<IOptions<EventBusOptions>>(),
            sp.GetRequiredService<ILogger<RedisStreamsConsumer<TEvent>>>()));
        return builder;
    }

    private static string? KafkaBootstrapServers(IHostApplicationBuilder builder) =>
        builder.Configuration.GetConnectionString("events") is { Length: > 0 } servers ? servers : null;
}
