using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Polly.CircuitBreaker;

namespace AiAspire.ServiceDefaults.Tests;

/// <summary>What ServiceDefaults gives every internal HTTP call: retries only of what is safe to repeat, one circuit
/// breaker per service called, and telemetry providers only when there is somewhere to export to.</summary>
public sealed class InternalCallsTests : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private WebApplication? _failing;
    private WebApplication? _healthy;
    private string _failingAddress = "";
    private string _healthyAddress = "";

    public async Task InitializeAsync()
    {
        (_failing, _failingAddress) = await LoopbackServer.StartAsync(app => app.Map("/{**path}", (HttpContext context) =>
        {
            _calls.AddOrUpdate($"{context.Request.Method} {context.Request.Path}", 1, (_, n) => n + 1);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }));
        (_healthy, _healthyAddress) = await LoopbackServer.StartAsync(app => app.Map("/{**path}", () => Results.Ok()));
    }

    public async Task DisposeAsync()
    {
        await (_failing?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (_healthy?.DisposeAsync() ?? ValueTask.CompletedTask);
    }

    private int Calls(string call) => _calls.TryGetValue(call, out var n) ? n : 0;

    /// <summary>A host with ServiceDefaults, retries 1 ms apart, and the circuit breakers out of the way unless asked.</summary>
    private IHost Host(Action<HttpStandardResilienceOptions>? resilience = null, string? otlpEndpoint = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new("OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint)]);
        builder.AddServiceDefaults();
        builder.Services.ConfigureAll<HttpStandardResilienceOptions>(options =>
        {
            options.Retry.Delay = TimeSpan.FromMilliseconds(1);
            options.CircuitBreaker.MinimumThroughput = int.MaxValue;
            resilience?.Invoke(options);
        });
        builder.Services.AddHttpClient("failing", http => http.BaseAddress = new(_failingAddress));
        builder.Services.AddHttpClient("healthy", http => http.BaseAddress = new(_healthyAddress));
        return builder.Build();
    }

    private static HttpClient Client(IHost host, string name) => host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(name);

    [Fact]
    public async Task Post_AnsweredWithTransientError_IsSentOnce()
    {
        using var host = Host();

        using var response = await Client(host, "failing").PostAsync("/v1/complete", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, Calls("POST /v1/complete"));
    }

    [Fact]
    public async Task Get_AnsweredWithTransientError_IsRetried()
    {
        using var host = Host();

        using var response = await Client(host, "failing").GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1 + new HttpRetryStrategyOptions().MaxRetryAttempts, Calls("GET /v1/models"));
    }

    [Fact]
    public async Task Post_MarkedSafeToRepeat_IsRetried()
    {
        using var host = Host();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/guard/input") { Content = new StringContent("{}") };

        using var response = await Client(host, "failing").SendAsync(request.MarkSafeToRepeat());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1 + new HttpRetryStrategyOptions().MaxRetryAttempts, Calls("POST /v1/guard/input"));
    }

    [Fact]
    public async Task OpenCircuit_OfOneService_LeavesAnotherServiceReachable()
    {
        using var host = Host(options =>
        {
            options.CircuitBreaker.MinimumThroughput = 2;
            options.CircuitBreaker.FailureRatio = 0.1;
            options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
        });
        var failing = Client(host, "failing");

        // A few failed calls open the failing service's circuit: then calls to it are refused without being sent.
        BrokenCircuitException? refused = null;
        for (var i = 0; i < 20 && refused is null; i++)
        {
            try
            {
                using var _ = await failing.PostAsync("/v1/retrieve", new StringContent("{}"));
            }
            catch (BrokenCircuitException ex)
            {
                refused = ex;
            }
        }
        Assert.NotNull(refused);
        var sent = Calls("POST /v1/retrieve");
        await Assert.ThrowsAsync<BrokenCircuitException>(() => failing.PostAsync("/v1/retrieve", new StringContent("{}")));
        Assert.Equal(sent, Calls("POST /v1/retrieve"));

        using var healthy = await Client(host, "healthy").PostAsync("/v1/guard/input", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    [Fact]
    public void WithoutOtlpEndpoint_NoTelemetryProviderIsRegistered()
    {
        using var host = Host();

        Assert.Null(host.Services.GetService<TracerProvider>());
        Assert.Null(host.Services.GetService<MeterProvider>());
    }

    [Fact]
    public void WithOtlpEndpoint_TracesAndMetricsAreCollected()
    {
        using var host = Host(otlpEndpoint: "http://127.0.0.1:4317");

        Assert.NotNull(host.Services.GetService<TracerProvider>());
        Assert.NotNull(host.Services.GetService<MeterProvider>());
    }

    [Fact]
    public void WithoutOtlpEndpoint_RedisClientsDoNotTrace_UnlessConfiguredTo()
    {
        using var quiet = Host();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new(Extensions.RedisTracingOffSetting, "false")]);
        builder.AddServiceDefaults();

        Assert.Equal("true", quiet.Services.GetRequiredService<IConfiguration>()[Extensions.RedisTracingOffSetting]);
        Assert.Equal("false", builder.Configuration[Extensions.RedisTracingOffSetting]);
    }

    [Fact]
    public void WithOtlpEndpoint_RedisClientsTrace()
    {
        using var host = Host(otlpEndpoint: "http://127.0.0.1:4317");

        Assert.Null(host.Services.GetRequiredService<IConfiguration>()[Extensions.RedisTracingOffSetting]);
    }
}
