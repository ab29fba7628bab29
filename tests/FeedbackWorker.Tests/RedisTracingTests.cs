using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace AiAspire.FeedbackWorker.Tests;

/// <summary>
/// Redis commands are traced only when traces are exported. The Redis instrumentation profiles every command and keeps
/// it, arguments included, until its next flush: without an exporter that was memory and CPU for spans nobody reads.
/// </summary>
public sealed class RedisTracingTests
{
    // Internal to Aspire's Redis client (which compiles OpenTelemetry's Redis instrumentation in): the service that
    // registers the profiler on every connection the client creates.
    private static readonly Type RedisInstrumentation = typeof(AspireRedisExtensions).Assembly.GetType(
        "OpenTelemetry.Instrumentation.StackExchangeRedis.StackExchangeRedisInstrumentation", throwOnError: true)!;

    [Fact]
    public async Task WithoutAnOtlpEndpoint_RedisCommandsAreNotProfiled()
    {
        await using var app = Build(otlpEndpoint: null);

        Assert.Null(app.Services.GetService(RedisInstrumentation));
        Assert.Null(app.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task WithAnOtlpEndpoint_RedisCommandsAreTraced()
    {
        await using var app = Build(otlpEndpoint: "http://127.0.0.1:4317");

        Assert.NotNull(app.Services.GetService(RedisInstrumentation));
    }

    /// <summary>The worker's services as Program.cs registers them, built but not started (nothing connects).</summary>
    private static WebApplication Build(string? otlpEndpoint)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.Configuration["ConnectionStrings:cache"] = "127.0.0.1:1,abortConnect=false";
        builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint;
        builder.AddServiceDefaults();
        builder.AddApplicationServices();
        return builder.Build();
    }
}
