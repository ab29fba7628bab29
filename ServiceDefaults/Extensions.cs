using AiAspire.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>What every AiAspire service shares: telemetry, health, discovery, resilience, problem details.</summary>
public static class Extensions
{
    private const string HealthPath = "/health";
    private const string AlivePath = "/alive";

    /// <summary>The log category of IHttpClientFactory's per-call messages.</summary>
    public const string HttpClientLogCategory = "System.Net.Http.HttpClient";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddQuietDefaults();
        builder.ConfigureOpenTelemetry();
        builder.AddLogRedaction();
        builder.AddDefaultHealthChecks();

        builder.Services.PostConfigureAll<StackExchange.Redis.ConfigurationOptions>(RedisDefaults.Apply);

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddInternalResilienceHandler();
            http.AddServiceDiscovery();
        });

        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // ASP.NET fills in RFC 9110 links by default; the platform's problems carry its own stable types.
            if (context.ProblemDetails.Type is null || context.ProblemDetails.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
            {
                context.ProblemDetails.Type = PlatformType(context.ProblemDetails.Status) ?? context.ProblemDetails.Type;
            }
            context.ProblemDetails.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString()
                ?? context.HttpContext.TraceIdentifier;
        });
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, ContractsJsonContext.Default));

        return builder;
    }

    /// <summary>Whether telemetry is exported: an OTLP endpoint (the Aspire dashboard or a collector) is configured.</summary>
    public static bool ExportsTelemetry(this IHostApplicationBuilder builder) =>
        !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    /// <summary>
    /// Defaults below every other configuration source, so appsettings, environment and command line still decide.
    /// <list type="bullet">
    /// <item>IHttpClientFactory logs four Information messages per outgoing call (start, send, receive, end): on the
    /// internal hops of one chat request (guard in, router, guard out, …) that is most of the platform's log volume,
    /// formatted and written to the console on the hot path, and the spans and metrics already record each call.
    /// Warning by default.</item>
    /// <item>Without an OTLP endpoint, Aspire's Redis client does not trace (<c>Aspire:StackExchange:Redis:DisableTracing</c>):
    /// its instrumentation profiles every command and keeps it, arguments included, until a flush every 10 s turns it
    /// into a span nobody exports. Those commands outlive gen0: at 1,000 events/s the FeedbackWorker's live heap was
    /// 17.9 MiB instead of 2.4 and its RSS went 141 → 284 MiB in 100 s (bench/EventBusBench <c>worker --heap</c>).</item>
    /// </list>
    /// </summary>
    public static TBuilder AddQuietDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        List<KeyValuePair<string, string?>> defaults = [new($"Logging:LogLevel:{HttpClientLogCategory}", nameof(LogLevel.Warning))];
        if (!builder.ExportsTelemetry())
        {
            defaults.Add(new(RedisTracingOffSetting, "true"));
        }
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = defaults });
        return builder;
    }

    /// <summary>The setting every Aspire Redis client reads (unless its connection's own section says otherwise).</summary>
    public const string RedisTracingOffSetting = "Aspire:StackExchange:Redis:DisableTracing";

    private static string? PlatformType(int? status) => status switch
    {
        StatusCodes.Status400BadRequest => ProblemTypes.Validation,
        StatusCodes.Status401Unauthorized => ProblemTypes.Unauthorized,
        StatusCodes.Status403Forbidden => ProblemTypes.Forbidden,
        StatusCodes.Status404NotFound => ProblemTypes.NotFound,
        StatusCodes.Status413PayloadTooLarge => ProblemTypes.PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType => ProblemTypes.UnsupportedMediaType,
        StatusCodes.Status503ServiceUnavailable => ProblemTypes.Unavailable,
        >= 500 => ProblemTypes.Internal,
        _ => null,
    };

    /// <summary>
    /// Traces, metrics and logs through OpenTelemetry to the OTLP endpoint, when one is configured (the dashboard or a
    /// collector). Without one, nothing is registered: the providers would build a span, metric points and log records
    /// on both ends of every internal call and throw them away (measured with bench/OrchestratorBench <c>hops</c>:
    /// ~2.8 KB and about a quarter of the CPU of one internal hop). The platform's ActivitySources and Meters still
    /// publish to any other listener.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (!builder.ExportsTelemetry())
        {
            return builder;
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(Telemetry.PlatformWildcard, Telemetry.ExtensionsAi))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(Telemetry.PlatformWildcard, Telemetry.ExtensionsAi)
                .AddAspNetCoreInstrumentation(options => options.Filter = context =>
                    !context.Request.Path.StartsWithSegments(HealthPath)
                    && !context.Request.Path.StartsWithSegments(AlivePath))
                .AddHttpClientInstrumentation())
            .UseOtlpExporter();

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>Problem details for unhandled errors and empty error responses, and the health endpoints.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        app.MapHealthChecks(HealthPath);
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
        return app;
    }
}
