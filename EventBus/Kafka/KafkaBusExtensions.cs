using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AiAspire.EventBus.Kafka;

public static class KafkaBusExtensions
{
    /// <summary>
    /// The Kafka transport over the connection string <c>events</c>: <see cref="KafkaOptions"/> from configuration
    /// (<c>EventBus:Kafka</c>) with what the connection string says on top, validated on start.
    /// </summary>
    public static IServiceCollection AddKafkaTransport(this IServiceCollection services, string connectionString)
    {
        services.AddOptions<KafkaOptions>()
            .BindConfiguration(KafkaOptions.Section)
            .PostConfigure(options => KafkaConnectionString.ApplyTo(connectionString, options))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<KafkaOptions>, KafkaOptionsValidator>();
        services.AddSingleton(sp => KafkaConnection.From(sp.GetRequiredService<IOptions<KafkaOptions>>().Value));
        services.AddSingleton<KafkaTopics>();
        services.AddSingleton<IEventTransport, KafkaTransport>();
        return services;
    }
}
