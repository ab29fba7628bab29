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
        // Redis tracing only when traces are exported (ServiceDefaults' rule). Otherwise Aspire's Redis instrumentation
        // still profiles every command and keeps it, arguments included, until its 10 s flush turns it into a span
        // nobody exports. Those commands outlive gen0 and pile up in gen1/gen2: at 1,000 requests/s the live heap was
        // 17.9 MiB (2.4 without) and RSS went 141 -> 284 MiB in 100 s (flat ~110 without); bench/EventBusBench worker --heap.
        builder.AddRedisClient("cache", settings =>
            settings.DisableTracing |= string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]));
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
