using AiAspire.Contracts.Events;
using AiAspire.EventBus;
using AiAspire.FeedbackWorker.Alerts;
using AiAspire.FeedbackWorker.Datasets;
using AiAspire.FeedbackWorker.Projections;
using AiAspire.FeedbackWorker.Quality;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AiAspire.FeedbackWorker;

public static class Extensions
{
    /// <summary>Redis (read models and the bus), the event consumers that project into it, and the quality read side.</summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("cache"); // traced only when telemetry is exported (ServiceDefaults.AddQuietDefaults)
        builder.AddEventBus();
        builder.AddEventHandler<InferenceCompleted, InferenceProjection>("feedbackworker");
        builder.AddEventHandler<FeedbackSubmitted, FeedbackProjection>("feedbackworker");
        builder.AddEventHandler<InteractionCaptured, InteractionProjection>("feedbackworker");

        builder.Services.AddOptions<ProjectionOptions>()
            .BindConfiguration(ProjectionOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<QualityReadModel>();

        builder.Services.AddOptions<AlertOptions>()
            .BindConfiguration(AlertOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHttpClient<AlertWebhook>();

        builder.Services.AddOptions<DatasetOptions>()
            .BindConfiguration(DatasetOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.PostConfigure<DatasetOptions>(o =>
            o.Path = Path.GetFullPath(o.Path ?? Path.Combine("data", "datasets"), contentRoot));
        builder.Services.AddSingleton<DatasetExporter>();
        builder.Services.AddHostedService<AlertEvaluator>();

        builder.Services.AddOptions<RouterQualityOptions>()
            .BindConfiguration(RouterQualityOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<RouterQualityPublisher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RouterQualityPublisher>());

        return builder;
    }
}
