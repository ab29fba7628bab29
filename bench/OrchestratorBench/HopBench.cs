using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Guard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Polly;
using OpenTelemetry.Trace;

namespace AiAspire.OrchestratorBench;

/// <summary>
/// The CPU cost of one internal hop, both ends in this process: a typed-client POST of a guard-input check through
/// IHttpClientFactory to a Kestrel service that answers it at once. Rows: "bare" (factory client and web app with no
/// defaults: the floor), "session 3" (the standard resilience handler per authority and the telemetry as ServiceDefaults
/// had them before session 4, rebuilt here; "s3 resilience" and "s3 telemetry" are its two halves) and "defaults" (ServiceDefaults as built now, on both ends). CPU is this
/// process's CPU time per call, allocations its allocated bytes per call: both hold under machine load, unlike latency.
/// </summary>
internal static class HopBench
{
    private static readonly string[] Variants = ["bare", "session 3", "defaults", "defaults+std", "defaults-none", "cb+attempt", "retry+cb+attempt", "no-otel"];
    // defaults+std: ServiceDefaults with the standard handler per authority in place of the internal pipeline;
    // defaults-none: ServiceDefaults with no resilience handler at all; cb+attempt, retry+cb+attempt: hand-built
    // pipelines without Polly telemetry (what each strategy layer costs); no-otel: "defaults" without telemetry, as
    // ServiceDefaults now is when OTEL_EXPORTER_OTLP_ENDPOINT is unset (this process leaves it as it finds it). Options: --set Hops:Stub=true (client chain
    // over an in-memory transport), --set Hops:InlineScheduling=true (Kestrel's UnsafePreferInlineScheduling),
    // --set Hops:Variants=bare,defaults (rows to run).

    /// <summary>Client side only: the handler chain over a transport that answers at once, no socket and no service.</summary>
    private static bool StubTransport;

    public static async Task RunAsync(BenchOptions options)
    {
        StubTransport = options.Settings.Any(s => s is ("Hops:Stub", "true"));
        Console.WriteLine($"internal hop (client + service in this process), {Environment.ProcessorCount} cores, " +
            $"{options.Duration.TotalSeconds:0.#} s per point after {options.Warmup.TotalSeconds:0.#} s warm-up; " +
            $"DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS={Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") ?? "unset"}; " +
            $"settings {string.Join(", ", options.Settings.Select(s => $"{s.Key}={s.Value}"))}");
        Console.WriteLine("what              c    calls   calls/s   p50 ms   CPU µs/call   KB alloc/call");
        var only = options.Settings.Where(s => s.Key == "Hops:Variants").Select(s => s.Value.Split(',')).FirstOrDefault();
        foreach (var variant in Variants.Where(v => only is null || only.Contains(v)))
        {
            await using var service = await StartServiceAsync(variant, options.Settings);
            using var client = StartClient(variant, service.Urls.First(), options.Settings);
            await client.StartAsync();
            var guard = client.Services.GetRequiredService<IHttpClientFactory>().CreateClient("guardrailservice");
            foreach (var concurrency in options.Concurrency)
            {
                await RunPointAsync(guard, concurrency, options.Warmup);
                var point = await RunPointAsync(guard, concurrency, options.Duration);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{variant,-16} {concurrency,2} {point.Calls,8} {point.Calls / options.Duration.TotalSeconds,9:F0} {point.P50Ms,8:F3} {point.CpuMicroseconds,13:F1} {point.AllocatedKb,15:F2}"));
            }
            await client.StopAsync();
        }
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private static async Task<WebApplication> StartServiceAsync(string variant, IReadOnlyList<(string Key, string Value)> settings)
    {
        var builder = WebApplication.CreateBuilder();
        Configure(builder, settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (settings.Any(s => s is ("Hops:InlineScheduling", "true")))
        {
            builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        }
        switch (variant)
        {
            case "defaults" or "defaults+std" or "defaults-none" or "cb+attempt" or "retry+cb+attempt":
                builder.AddServiceDefaults();
                break;
            case "no-otel":
                WithoutTelemetry(builder);
                break;
            case "session 3":
                Session3Defaults(builder);
                break;
        }
        var app = builder.Build();
        if (variant != "bare")
        {
            app.UseExceptionHandler();
            app.UseStatusCodePages();
        }
        app.MapPost("/v1/guard/input", async (HttpContext context) =>
        {
            var request = await context.Request.ReadFromJsonAsync(ContractsJsonContext.Default.GuardInputRequest, context.RequestAborted)
                ?? throw new BadHttpRequestException("empty body");
            await context.Response.WriteAsJsonAsync(new GuardInputResponse(true, request.Messages, [], null, [], PolicyVersion: "bench"),
                ContractsJsonContext.Default.GuardInputResponse, cancellationToken: context.RequestAborted);
        });
        await app.StartAsync();
        return app;
    }

    private static IHost StartClient(string variant, string serviceUrl, IReadOnlyList<(string Key, string Value)> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        Configure(builder, settings);
        builder.Configuration.AddInMemoryCollection([new("services:guardrailservice:http:0", serviceUrl)]);
        switch (variant)
        {
            case "defaults" or "defaults+std" or "defaults-none" or "cb+attempt" or "retry+cb+attempt":
                builder.AddServiceDefaults();
                break;
            case "session 3":
                Session3Defaults(builder);
                break;
            case "no-otel":
                WithoutTelemetry(builder);
                break;
        }
        var client = builder.Services.AddHttpClient("guardrailservice", http => http.BaseAddress = new(variant == "bare" ? serviceUrl : "https+http://guardrailservice"))
            .RemoveAllLoggers();
        if (variant.StartsWith("defaults", StringComparison.Ordinal) && variant != "defaults")
        {
#pragma warning disable EXTEXP0001
            client.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
            if (variant == "defaults+std")
            {
                client.AddStandardResilienceHandler().SelectPipelineByAuthority();
            }
        }
        if (variant is "cb+attempt" or "retry+cb+attempt")
        {
#pragma warning disable EXTEXP0001
            client.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
            client.AddResilienceHandler("lean", (pipeline, _) =>
            {
                pipeline.TelemetryListener = null;
                if (variant == "retry+cb+attempt")
                {
                    pipeline.AddRetry(new HttpRetryStrategyOptions());
                }
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions()).AddTimeout(TimeSpan.FromSeconds(10));
            }).SelectPipelineByAuthority();
        }
        if (StubTransport)
        {
            client.ConfigurePrimaryHttpMessageHandler(() => new StubHandler());
        }
        return builder.Build();
    }

    private static void Configure(IHostApplicationBuilder builder, IReadOnlyList<(string Key, string Value)> settings)
    {
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // A source, not the indexer: values set through the indexer are lost when ServiceDefaults inserts its source.
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
    }

    /// <summary>ServiceDefaults' discovery, resilience and problem details, without OpenTelemetry's providers.</summary>
    private static void WithoutTelemetry(IHostApplicationBuilder builder)
    {
        builder.Services.AddServiceDiscovery();
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddInternalResilienceHandler();
            http.AddServiceDiscovery();
        });
    }

    /// <summary>What ServiceDefaults configured before session 4 for HTTP clients and telemetry (no exporter).</summary>
    private static void Session3Defaults(IHostApplicationBuilder builder)
    {
        builder.Services.AddServiceDiscovery();
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler().SelectPipelineByAuthority();
            http.AddServiceDiscovery();
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
                    !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/alive"))
                .AddHttpClientInstrumentation());
    }

    private static async Task<(int Calls, double P50Ms, double CpuMicroseconds, double AllocatedKb)> RunPointAsync(
        HttpClient guard, int concurrency, TimeSpan duration)
    {
        var body = new GuardInputRequest([new GuardMessage("user", "When are invoices due for order 42?")]);
        var latencies = new List<double>[concurrency];
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var mine = latencies[worker] = [];
            while (Stopwatch.GetTimestamp() < until)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await guard.PostAsJsonAsync("/v1/guard/input", body, ContractsJsonContext.Default.GuardInputRequest);
                response.EnsureSuccessStatusCode();
                _ = await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.GuardInputResponse);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })));
        var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var bytes = GC.GetTotalAllocatedBytes(precise: false) - allocated;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        var calls = Math.Max(all.Length, 1);
        return (all.Length, all.Length == 0 ? 0 : all[all.Length / 2], cpuUsed.TotalMicroseconds / calls, bytes / 1024.0 / calls);
    }

    private sealed class StubHandler : HttpMessageHandler
    {
        private static readonly byte[] Answer = System.Text.Encoding.UTF8.GetBytes(
            """{"allowed":true,"messages":[{"role":"user","content":"When are invoices due for order 42?"}],"findings":[],"vaultId":null,"reasons":[]}""");

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is not null)
            {
                await request.Content.CopyToAsync(Stream.Null, cancellationToken);
            }
            var content = new ByteArrayContent(Answer);
            content.Headers.ContentType = new("application/json");
            return new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = content, RequestMessage = request };
        }
    }
}
