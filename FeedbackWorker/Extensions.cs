using AiAspire.Contracts.Events;
using AiAspire.EventBus;
using AiAspire.FeedbackWorker.Projections;
using AiAspire.FeedbackWorker.Quality;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AiAspire.FeedbackWorker;

public static class Extensions
{
    /// <summary>Redis (read models and the bus), the event consumers that project into it, and the quality read side.</summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("cache");
        builder.AddEventBus();
        builder.AddEventHandler<InferenceCompleted, InferenceProjection>("feedbackworker");

        builder.Services.AddOptions<ProjectionOptions>()
            .BindConfiguration(ProjectionOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<QualityReadModel>();

        return builder;
    }
}
