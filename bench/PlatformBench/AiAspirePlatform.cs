using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AiAspire.Bench;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiAspire.PlatformBench;

/// <summary>
/// The whole platform from AppHost in the local profile (redis-server as a process, the event bus on Redis Streams),
/// started through Aspire.Hosting.Testing as the integration tests start it. Every fake upstream is a router
/// deployment (<c>bench-0ms</c>, <c>bench-50ms</c>, …); the gateway's request, token and concurrency limits are on
/// (in Redis) but too high to bind; callers authenticate with API keys created through <c>/api/keys</c>, one for a
/// tenant without documents (retrieval finds nothing and skips the embedding) and one for a tenant whose documents
/// answer the benchmark's question (retrieval embeds the query, searches, and has the passages checked).
/// In the <see cref="Topology.Colocated"/> layout the orchestrator runs the guard and router engines itself, and gets
/// the bench deployments too.
/// </summary>
internal sealed class AiAspirePlatform : IAsyncDisposable
{
    public const string DevApiKey = "sk-aiaspire-dev";
    public const string Tenant = "bench";
    public const string RagTenant = "bench-rag";

    // Generous: on a loaded 2-core machine six services and Redis have taken more than five minutes to come up.
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(10);

    // After a stop, how long its processes may take to exit before they are killed (the next layout must not share the cores).
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    private readonly DistributedApplication _app;
    private readonly string _dataPath;

    /// <summary>Every process found by <see cref="ProcessIdsAsync"/>, and the program it ran, to see them gone at the stop.</summary>
    private readonly Dictionary<int, string> _started = [];

    private AiAspirePlatform(DistributedApplication app, string dataPath, Topology topology, string address, string key, string ragKey)
    {
        _app = app;
        _dataPath = dataPath;
        Topology = topology;
        Address = address;
        Key = key;
        RagKey = ragKey;
    }

    public Topology Topology { get; }

    /// <summary>The gateway, <c>http://127.0.0.1:port</c>.</summary>
    public string Address { get; }

    public string Key { get; }

    public string RagKey { get; }

    public static string Deployment(FakeUpstream upstream) =>
        "bench-" + ((int)upstream.Delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";

    /// <param name="serviceEnvironment">
    /// Set on every service process after AppHost's own variables (e.g. runtime knobs to compare); a name written
    /// <c>resource:NAME</c> is set on that resource alone.
    /// </param>
    /// <param name="unproxied">
    /// Services listen on the addresses their callers use, instead of behind Aspire's DCP proxy (one TCP hop and the
    /// proxy's CPU less on each of the request's hops).
    /// </param>
    public static async Task<AiAspirePlatform> StartAsync(
        IReadOnlyList<FakeUpstream> upstreams, Topology topology, IReadOnlyDictionary<string, string> serviceEnvironment, bool unproxied,
        CancellationToken cancellationToken)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "aiaspire-bench-" + Guid.NewGuid().ToString("N"));
        string[] arguments =
        [
            "--Infrastructure:Mode=local",
            $"--Infrastructure:DataPath={dataPath}",
            "--Gateway:Port=0",
            "--DcpPublisher:RandomizePorts=true",
        ];
        if (topology == Topology.Colocated)
        {
            arguments = [.. arguments, "--Orchestrator:ColocateGuardrails=true", "--Orchestrator:ColocateRouter=true"];
        }
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(arguments, cancellationToken);
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("AppHost.Resources", LogLevel.Warning)
            .AddFilter("Aspire", LogLevel.Warning)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Error)
            // Probes fail while services start on a loaded machine; the start timeout covers a service that never comes up.
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));

        var router = builder.CreateResourceBuilder<ProjectResource>("routerservice");
        var orchestrator = builder.CreateResourceBuilder<ProjectResource>("orchestrator");
        // The co-located router reads the catalog from the orchestrator's configuration: set there as well as forwarded
        // by AppHost, so that the bench deployments are there whatever AppHost forwards.
        IResourceBuilder<ProjectResource>[] routers = topology == Topology.Colocated ? [router, orchestrator] : [router];
        foreach (var routing in routers)
        {
            foreach (var upstream in upstreams)
            {
                var deployment = Deployment(upstream);
                routing.WithEnvironment($"Catalog__Deployments__{deployment}__Provider", "openai-compatible")
                    .WithEnvironment($"Catalog__Deployments__{deployment}__Endpoint", upstream.V1Endpoint)
                    .WithEnvironment($"Catalog__Deployments__{deployment}__ApiKey", "sk-bench-upstream")
                    .WithEnvironment($"Catalog__Deployments__{deployment}__ModelId", "bench-model");
            }
        }

        // The tenant without documents runs the pipeline without its retrieve step (RAG off), where the orchestrator
        // supports per-tenant pipelines (Pipeline:Tenants:<tenant>:Steps); elsewhere its retrieval finds nothing.
        var stepsWithoutRetrieval = DefaultSteps()?.Where(step => step != "retrieve").ToList();
        for (var i = 0; i < stepsWithoutRetrieval?.Count; i++)
        {
            orchestrator.WithEnvironment($"Pipeline__Tenants__{Tenant}__Steps__{i.ToString(CultureInfo.InvariantCulture)}", stepsWithoutRetrieval[i]);
        }

        var gateway = builder.CreateResourceBuilder<ProjectResource>("gateway");
        foreach (var kind in (string[])["Requests", "Tokens", "Concurrency"])
        {
            gateway.WithEnvironment($"Gateway__RateLimits__{kind}__PerKey", "1000000000")
                .WithEnvironment($"Gateway__RateLimits__{kind}__PerTenant", "1000000000");
        }

        foreach (var service in builder.Resources.OfType<ProjectResource>().ToList())
        {
            if (unproxied && service.GetReplicaCount() == 1)
            {
                // Without the proxy a service listens on its endpoint's own port: a free one, not its launch profile's
                // fixed port, which another copy of the platform on this machine may hold.
                var port = FreeLoopbackPort();
                builder.CreateResourceBuilder(service).WithEndpoint("http", endpoint =>
                {
                    endpoint.IsProxied = false;
                    endpoint.Port = port;
                    endpoint.TargetPort = port;
                });
            }
            builder.CreateResourceBuilder(service).WithEnvironment(context =>
            {
                // The testing host runs no dashboard, yet AppHost still points every service's OTLP exporter at one:
                // each would serialize and send its spans, metrics and logs every second to a port nobody listens on
                // (and keep failed batches for retry). Instrumentation stays on; only the export to nowhere goes.
                foreach (var variable in context.EnvironmentVariables.Keys.Where(k => k.StartsWith("OTEL_EXPORTER_OTLP_", StringComparison.Ordinal)).ToList())
                {
                    context.EnvironmentVariables.Remove(variable);
                }
                foreach (var (key, value) in serviceEnvironment)
                {
                    // "resource:NAME" is for that service alone; a plain NAME for every service.
                    var (only, name) = key.Split(':', 2) is [var resource, var variable] ? (resource, variable) : (null, key);
                    if (only is null || only == service.Name)
                    {
                        context.EnvironmentVariables[name] = value;
                    }
                }
            });
        }

        var app = await builder.BuildAsync(cancellationToken);
        try
        {
            using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            startup.CancelAfter(StartupTimeout);
            await app.StartAsync(startup.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", startup.Token);

            using var probe = app.CreateHttpClient("gateway");
            var address = Loopback(probe.BaseAddress!);
            using var admin = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(120) };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevApiKey);
            var key = await CreateKeyAsync(admin, Tenant, ["chat"], cancellationToken);
            var ragKey = await CreateKeyAsync(admin, RagTenant, ["chat", "ingest", "retrieve"], cancellationToken);
            await IngestDocumentsAsync(address, ragKey, cancellationToken);
            return new AiAspirePlatform(app, dataPath, topology, address, key, ragKey);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>The full pipeline for <paramref name="key"/>'s tenant, answered by <paramref name="upstream"/>.</summary>
    /// <param name="temperature">0 lets the exact cache answer repeats.</param>
    public Target Route(string name, string key, FakeUpstream upstream, bool stream, double temperature = 0.7) =>
        new(name, Address, Target.ChatPath, [new("Authorization", "Bearer " + key)],
            Target.ChatBody(Deployment(upstream), stream, temperature), stream);

    /// <summary>The platform's Redis (rate limits, caches, the event bus in the local profile).</summary>
    public async Task<string> RedisConnectionStringAsync(CancellationToken cancellationToken) =>
        await _app.GetConnectionStringAsync("cache", cancellationToken)
        ?? throw new InvalidOperationException("The cache resource has no connection string.");

    /// <summary>AppHost resources and the programs their processes run.</summary>
    private static readonly (string Resource, string Program)[] Processes =
    [
        ("gateway", "Gateway"), ("orchestrator", "Orchestrator"), ("routerservice", "RouterService"),
        ("guardrailservice", "GuardrailService"), ("ragservice", "RagService"), ("feedbackworker", "FeedbackWorker"),
        ("cache", "redis-server"),
    ];

    /// <summary>
    /// The variables that put the engines in the orchestrator's process (AppHost's <c>Orchestrator:Colocate*</c>
    /// switches set them) which its process did not get: empty when the co-located layout is in effect. An AppHost
    /// without the switches ignores them, and the run then says that its "colocated" rows are not.
    /// </summary>
    public static IReadOnlyList<string> MissingColocation(int orchestratorPid)
    {
        var environment = ProcessMemory.EnvironmentOf(orchestratorPid);
        return [.. ColocationVariables.Where(v => !string.Equals(environment.GetValueOrDefault(v), "true", StringComparison.OrdinalIgnoreCase))];
    }

    private static readonly string[] ColocationVariables = ["Colocation__Guardrails", "Colocation__Router"];

    /// <summary>Program name → process id of each service (and redis-server), from the process ids Aspire reports.</summary>
    public async Task<Dictionary<string, int>> ProcessIdsAsync(CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (resource, program) in Processes)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(TimeSpan.FromSeconds(10));
            try
            {
                var running = await _app.ResourceNotifications.WaitForResourceAsync(resource, e => ProcessId(e) is not null, wait.Token);
                if (ProcessMemory.FindProgram(ProcessId(running)!.Value, program) is { } pid)
                {
                    found[program] = pid;
                    _started[pid] = program;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            if (!found.ContainsKey(program))
            {
                Console.Error.WriteLine($"Warning: no process found for {resource}; its memory is not reported.");
            }
        }
        return found;
    }

    private static int? ProcessId(ResourceEvent resource) =>
        resource.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value switch
        {
            int pid => pid,
            long pid => (int)pid,
            string text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) => pid,
            _ => null,
        };

    /// <summary>Fails unless each kind of request works end to end, so a broken path is never measured as a fast one.</summary>
    public async Task VerifyAsync(FakeUpstream upstream, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Address), Timeout = TimeSpan.FromSeconds(60) };

        foreach (var target in (Target[])[Route("check", Key, upstream, false), Route("check-rag", RagKey, upstream, false)])
        {
            using var response = await SendWhenWarmAsync(http, target, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            using var completion = JsonDocument.Parse(body);
            var content = completion.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
            if (content != FakeUpstream.Reply)
            {
                throw new InvalidOperationException($"{target.Name}: expected the upstream's reply, got: {body}");
            }
        }

        using (var retrieve = new HttpRequestMessage(HttpMethod.Post, "/v1/retrieve")
        {
            Content = JsonContent.Create(new { query = Target.Question, collection = "default", topK = 4 }),
        })
        {
            retrieve.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RagKey);
            using var response = await http.SendAsync(retrieve, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            using var chunks = JsonDocument.Parse(body);
            if (!response.IsSuccessStatusCode || chunks.RootElement.GetProperty("chunks").GetArrayLength() == 0)
            {
                throw new InvalidOperationException($"The RAG tenant's question retrieves nothing ({(int)response.StatusCode}): {body}");
            }
        }

        var cached = Route("check-cache", Key, upstream, false, temperature: 0);
        (await SendAsync(http, cached, cancellationToken)).Dispose();
        using (var again = await SendAsync(http, cached, cancellationToken))
        {
            // "hit" before the orchestrator had a semantic cache, "exact" since.
            if (!again.Headers.TryGetValues("x-aiaspire-cache", out var cache) || cache.FirstOrDefault() is not ("hit" or "exact"))
            {
                throw new InvalidOperationException("A repeated temperature-0 request was not an exact-cache hit.");
            }
        }

        var streamed = Route("check-stream", Key, upstream, true);
        using var client = LoadGenerator.CreateClient(streamed, 1);
        await LoadGenerator.SendOnceAsync(client, streamed, cancellationToken);
    }

    /// <summary>Stops the platform and returns once its service processes have exited (killed if they overrun
    /// <see cref="ExitTimeout"/>), so that the next layout measured never shares the cores with this one.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        var deadline = DateTime.UtcNow + ExitTimeout;
        while (_started.Any(p => ProcessMemory.Runs(p.Key, p.Value)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
        foreach (var (pid, program) in _started.Where(p => ProcessMemory.Runs(p.Key, p.Value)))
        {
            Console.Error.WriteLine($"Warning: {program} (pid {pid}) still ran {ExitTimeout.TotalSeconds:F0} s after the stop; killing it.");
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
        }
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// The first requests after a start find cold services (JIT, regex construction) that a loaded machine may starve
    /// past their time limits (the guardrails refuse a scan that overruns with 422): a few tries, each failure shown.
    /// </summary>
    private static async Task<HttpResponseMessage> SendWhenWarmAsync(HttpClient http, Target target, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SendAsync(http, target, cancellationToken);
            }
            catch (InvalidOperationException ex) when (attempt < 5)
            {
                Console.Error.WriteLine($"  warm-up: {ex.Message}");
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, Target target, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Path)
        {
            Content = new StringContent(target.Body, System.Text.Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in target.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw new InvalidOperationException($"{target.Name}: {(int)response.StatusCode} {body}");
        }
        return response;
    }

    private static async Task<string> CreateKeyAsync(HttpClient admin, string tenant, string[] scopes, CancellationToken cancellationToken)
    {
        using var response = await admin.PostAsJsonAsync("/api/keys", new { tenant, name = "platform-bench", scopes }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Creating a key for {tenant} failed ({(int)response.StatusCode}): {body}");
        }
        using var created = JsonDocument.Parse(body);
        return created.RootElement.GetProperty("key").GetString()!;
    }

    private static async Task IngestDocumentsAsync(string address, string key, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(3) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        foreach (var (id, text) in BenchDocuments.All)
        {
            using var response = await http.PostAsJsonAsync("/api/documents",
                new { id, source = id + ".md", contentType = "markdown", collection = "default", text }, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Ingesting {id} failed ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }
    }

    /// <summary>The orchestrator's default step list (Pipeline:Default:Steps in its appsettings.json), or null where it has none.</summary>
    private static List<string>? DefaultSteps()
    {
        var settings = Path.Combine(BenchPaths.Root, "Orchestrator", "appsettings.json");
        if (!File.Exists(settings))
        {
            return null;
        }
        using var json = JsonDocument.Parse(File.ReadAllText(settings), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return json.RootElement.TryGetProperty("Pipeline", out var pipeline)
            && pipeline.TryGetProperty("Default", out var profile)
            && profile.TryGetProperty("Steps", out var steps)
            && steps.ValueKind == JsonValueKind.Array
            ? [.. steps.EnumerateArray().Select(step => step.GetString() ?? "")]
            : null;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Aspire hands out <c>localhost</c> addresses; the benchmark stays on IPv4 loopback.</summary>
    private static string Loopback(Uri address) =>
        new UriBuilder(address) { Host = address.IsLoopback ? "127.0.0.1" : address.Host }.Uri.ToString().TrimEnd('/');
}
