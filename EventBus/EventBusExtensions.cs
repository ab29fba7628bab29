using AiAspire.Contracts.Events;
using AiAspire.EventBus.Publishing;
using AiAspire.EventBus.RedisStreams;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.EventBus;

public static partial class EventBusExtensions
{
    /// <summary>
    /// The publisher and its send loop over Redis Streams (connection string <c>cache</c>, registered by the service).
    /// </summary>
    public static IHostApplicationBuilder AddEventBus(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EventBusOptions>()
            .BindConfiguration(EventBusOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton(new EventSource(new Uri($"/aiaspire/{builder.Environment.ApplicationName.ToLowerInvariant()}", UriKind.Relative)));
        builder.Services.AddSingleton<EventPublisher>();
        builder.Services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<EventPublisher>());
        builder.Services.AddSingleton<IEventTransport, RedisStreamsTransport>();
        builder.Services.AddHostedService<EventSendLoop>();

        if (!string.IsNullOrEmpty(builder.Configuration.GetConnectionString("events")))
        {
            // Kafka is the containers profile's bus; its transport lands with the event-bus issue. Until then
            // the same events flow over Redis Streams, which that profile also runs.
            builder.Services.AddHostedService(sp => new StartupNotice(sp.GetRequiredService<ILogger<StartupNotice>>()));
        }

        return builder;
    }

    /// <summary>Consumes <typeparamref name="TEvent"/>'s topic in <paramref name="consumerGroup"/> with <typeparamref name="THandler"/>.</summary>
    public static IHostApplicationBuilder AddEventHandler<TEvent, THandler>(this IHostApplicationBuilder builder, string consumerGroup)
        where TEvent : IIntegrationEvent<TEvent>
        where THandler : class, IEventHandler<TEvent>
    {
        builder.Services.AddScoped<IEventHandler<TEvent>, THandler>();
        builder.Services.AddHostedService(sp => new RedisStreamsConsumer<TEvent>(
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<IServiceScopeFactory>(),
            new ConsumerGroup(consumerGroup),
            sp.GetRequiredService<IOptions<EventBusOptions>>(),
            sp.GetRequiredService<ILogger<RedisStreamsConsumer<TEvent>>>()));
        return builder;
    }

    private sealed partial class StartupNotice(ILogger<StartupNotice> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            LogKafkaPending();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Warning, Message = "ConnectionStrings:events is set, but the Kafka transport is not built yet: events go to Redis Streams")]
        private partial void LogKafkaPending();
    }
}
