using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AiAspire.AppHost.Tests;

/// <summary>What azd consumes: <c>dotnet run --project AppHost -- --publisher manifest</c>.</summary>
public sealed class ManifestPublishingTests
{
    [Fact]
    public async Task ManifestPublishing_HasEveryServiceAndRedisKafkaQdrant_AndSecretsAsParameters()
    {
        var (output, raw) = await PublishManifestAsync();

        using var manifest = JsonDocument.Parse(raw);
        var resources = manifest.RootElement.GetProperty("resources");

        foreach (var service in new[] { "gateway", "orchestrator", "ragservice", "routerservice", "guardrailservice", "feedbackworker" })
        {
            var resource = resources.GetProperty(service);
            Assert.StartsWith("project.", resource.GetProperty("type").GetString());
            Assert.True(resource.TryGetProperty("env", out _), $"{service} has no environment");
        }

        Assert.StartsWith("container.", resources.GetProperty("cache").GetProperty("type").GetString());
        Assert.Contains("redis", resources.GetProperty("cache").GetProperty("image").GetString());
        Assert.Contains("confluentinc/confluent-local", resources.GetProperty("events").GetProperty("image").GetString());
        Assert.Contains("qdrant/qdrant", resources.GetProperty("vectors").GetProperty("image").GetString());
        Assert.Equal("{events.bindings.tcp.host}:{events.bindings.tcp.port}", resources.GetProperty("events").GetProperty("connectionString").GetString());

        var devKey = resources.GetProperty("dev-api-key");
        Assert.Equal("parameter.v0", devKey.GetProperty("type").GetString());
        Assert.True(devKey.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
        Assert.False(devKey.GetProperty("inputs").GetProperty("value").TryGetProperty("default", out _), "publish mode must have no default key");
        Assert.Equal("{dev-api-key.value}", resources.GetProperty("gateway").GetProperty("env").GetProperty("Gateway__DevApiKey").GetString());

        var internalSecret = resources.GetProperty("internal-secret").GetProperty("inputs").GetProperty("value");
        Assert.True(internalSecret.GetProperty("secret").GetBoolean());
        Assert.True(internalSecret.GetProperty("default").TryGetProperty("generate", out _), "the internal secret is generated, never written down");

        var gatewayBindings = resources.GetProperty("gateway").GetProperty("bindings");
        Assert.Contains(gatewayBindings.EnumerateObject(), b => b.Value.TryGetProperty("external", out var e) && e.GetBoolean());
        foreach (var resource in resources.EnumerateObject().Where(r => r.Name != "gateway"))
        {
            if (resource.Value.TryGetProperty("bindings", out var bindings))
            {
                Assert.DoesNotContain(bindings.EnumerateObject(), b => b.Value.TryGetProperty("external", out var e) && e.GetBoolean());
            }
        }

        Assert.DoesNotContain("sk-aiaspire-dev", raw);
        Assert.True(File.Exists(output));

        AssertServicesAreWired(resources);
        AssertIngress(resources);
        AssertSecretsAreParameters(resources, raw);
        AssertEveryReferenceResolves(resources, raw);
    }

    [Fact]
    public async Task ManifestPublishing_WithAnExternalKafka_DeclaresItsConnectionStringAndSaslPassword_AsSecretParameters()
    {
        var (_, raw) = await PublishManifestAsync("--Infrastructure:Kafka:External=true");

        using var manifest = JsonDocument.Parse(raw);
        var resources = manifest.RootElement.GetProperty("resources");

        Assert.DoesNotContain("confluentinc/confluent-local", raw);
        var events = resources.GetProperty("events");
        Assert.Equal("parameter.v0", events.GetProperty("type").GetString());
        Assert.Equal("{events.value}", events.GetProperty("connectionString").GetString());
        Assert.True(events.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean(), "the events connection string is secret");
        var password = resources.GetProperty("events-sasl-password").GetProperty("inputs").GetProperty("value");
        Assert.True(password.GetProperty("secret").GetBoolean());
        Assert.False(password.TryGetProperty("default", out _), "a deployment must supply the SASL password");
        Assert.Equal("parameter.v0", resources.GetProperty("events-sasl-username").GetProperty("type").GetString());

        foreach (var service in new[] { "orchestrator", "feedbackworker" })
        {
            var env = resources.GetProperty(service).GetProperty("env");
            Assert.Equal("{events.connectionString}", env.GetProperty("ConnectionStrings__events").GetString());
            Assert.Equal("SaslSsl", env.GetProperty("EventBus__Kafka__SecurityProtocol").GetString());
            Assert.Equal("Plain", env.GetProperty("EventBus__Kafka__SaslMechanism").GetString());
            Assert.Equal("{events-sasl-username.value}", env.GetProperty("EventBus__Kafka__SaslUsername").GetString());
            Assert.Equal("{events-sasl-password.value}", env.GetProperty("EventBus__Kafka__SaslPassword").GetString());
        }

        AssertIngress(resources, withKafkaContainer: false);
        AssertSecretsAreParameters(resources, raw);
        AssertEveryReferenceResolves(resources, raw);
    }

    [Fact]
    public async Task ManifestPublishing_WithReplicaCounts_DescribesTheSameServices()
    {
        // Replicas (Gateway:Replicas, Orchestrator:Replicas) run several processes locally; manifest v0 has no field for
        // them, and a deployment scales in the container app's settings. What azd reads stays the same.
        var (_, raw) = await PublishManifestAsync("--Gateway:Replicas=3", "--Orchestrator:Replicas=2");

        using var manifest = JsonDocument.Parse(raw);
        var resources = manifest.RootElement.GetProperty("resources");
        Assert.DoesNotContain("replica", raw, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(8080, resources.GetProperty("gateway").GetProperty("bindings").GetProperty("http").GetProperty("port").GetInt32());
        AssertServicesAreWired(resources);
        AssertIngress(resources);
        AssertSecretsAreParameters(resources, raw);
    }

    /// <summary>Runs the AppHost as azd does (<c>--publisher manifest</c>) and returns the manifest's path and text.</summary>
    private static async Task<(string Path, string Text)> PublishManifestAsync(params string[] settings)
    {
        var output = Path.Combine(Path.GetTempPath(), "aiaspire-manifest-" + Guid.NewGuid().ToString("N"), "aspire-manifest.json");
        var start = new ProcessStartInfo(DotNet.Path,
            ["run", "--project", Projects.AppHost.ProjectPath, "--no-build", "--", "--publisher", "manifest", "--output-path", output, .. settings])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await stdout + await stderr);
        return (output, await File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task AzureYaml_PointsAzdAtTheAppHost_AsAContainerApp()
    {
        var root = Path.GetDirectoryName(Path.GetFullPath(AppHostDirectory))!;
        var lines = (await File.ReadAllLinesAsync(Path.Combine(root, "azure.yaml")))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToArray();

        Assert.Contains("services:", lines);
        Assert.Contains("app:", lines);
        Assert.Contains("language: dotnet", lines);
        Assert.Contains("host: containerapp", lines);
        var project = Assert.Single(lines, l => l.StartsWith("project:", StringComparison.Ordinal))["project:".Length..].Trim();
        Assert.Equal(
            Path.GetFullPath(Path.Combine(AppHostDirectory, "AppHost.csproj")),
            Path.GetFullPath(Path.Combine(root, project)));
        Assert.True(File.Exists(Path.Combine(root, project)), $"{project} does not exist");
    }

    /// <summary>The environment each service needs in a deployment, and an http binding (what its probes and references use).</summary>
    private static void AssertServicesAreWired(JsonElement resources)
    {
        var expected = new Dictionary<string, (string Key, string Value)[]>
        {
            ["guardrailservice"] = [Secret("Internal__Secret"), Connection("cache")],
            ["ragservice"] = [Secret("Internal__Secret"), Connection("vectors"), Connection("cache")],
            ["routerservice"] =
            [
                Secret("Internal__Secret"), Connection("cache"),
                ("Providers__OpenAI__ApiKey", "{openai-api-key.value}"),
                ("Providers__AzureOpenAI__Endpoint", "{azure-openai-endpoint.value}"),
                ("Providers__AzureOpenAI__ApiKey", "{azure-openai-api-key.value}"),
                ("Providers__Anthropic__ApiKey", "{anthropic-api-key.value}"),
            ],
            ["orchestrator"] =
            [
                Secret("Internal__Secret"), Connection("cache"), Connection("events"),
                Service("guardrailservice"), Service("ragservice"), Service("routerservice"),
            ],
            ["feedbackworker"] = [Secret("Internal__Secret"), Connection("cache"), Connection("events")],
            ["gateway"] =
            [
                Secret("Gateway__InternalSecret"), ("Gateway__DevApiKey", "{dev-api-key.value}"), Connection("cache"),
                Service("orchestrator"), Service("ragservice"), Service("guardrailservice"), Service("routerservice"), Service("feedbackworker"),
            ],
        };

        foreach (var (service, variables) in expected)
        {
            var resource = resources.GetProperty(service);
            var env = resource.GetProperty("env");
            Assert.Equal($"{{{service}.bindings.http.targetPort}}", env.GetProperty("HTTP_PORTS").GetString());
            foreach (var (key, value) in variables)
            {
                Assert.True(env.TryGetProperty(key, out var actual), $"{service} has no {key}");
                Assert.Equal(value, actual.GetString());
            }

            var http = resource.GetProperty("bindings").GetProperty("http");
            Assert.Equal("http", http.GetProperty("scheme").GetString());
            Assert.Equal("http", http.GetProperty("transport").GetString());

            // Manifest v0 has no field for health probes (the /health checks live in the app model only; see
            // ContainersProfileTests): what it carries for a probe is the service's http binding, asserted above.
            Assert.False(resource.TryGetProperty("probes", out _), $"{service}: the manifest now carries probes; assert them");
        }

        static (string, string) Secret(string key) => (key, "{internal-secret.value}");
        static (string, string) Connection(string name) => ($"ConnectionStrings__{name}", $"{{{name}.connectionString}}");
        static (string, string) Service(string name) => ($"services__{name}__http__0", $"{{{name}.bindings.http.url}}");
    }

    /// <summary>Only the gateway's http binding is public; Redis, Kafka and Qdrant are reachable inside the environment only.</summary>
    private static void AssertIngress(JsonElement resources, bool withKafkaContainer = true)
    {
        var external = resources.EnumerateObject()
            .Where(r => r.Value.TryGetProperty("bindings", out _))
            .SelectMany(r => r.Value.GetProperty("bindings").EnumerateObject()
                .Where(b => b.Value.TryGetProperty("external", out var e) && e.GetBoolean())
                .Select(b => $"{r.Name}.{b.Name}"))
            .ToArray();
        Assert.Equal(["gateway.http"], external);

        foreach (var (infrastructure, bindings) in new[]
        {
            ("cache", new[] { "tcp" }),
            ("events", new[] { "tcp", "internal" }),
            ("vectors", new[] { "grpc", "http" }),
        }.Where(r => withKafkaContainer || r.Item1 != "events"))
        {
            var declared = resources.GetProperty(infrastructure).GetProperty("bindings").EnumerateObject().Select(b => b.Name).Order().ToArray();
            Assert.Equal(bindings.Order().ToArray(), declared);
        }
    }

    /// <summary>Every secret is a secret parameter with no value (a generated default at most), and no known value leaks.</summary>
    private static void AssertSecretsAreParameters(JsonElement resources, string raw)
    {
        var secrets = new[] { "dev-api-key", "internal-secret", "vectors-api-key", "cache-password", "openai-api-key", "azure-openai-api-key", "anthropic-api-key" };
        foreach (var name in secrets)
        {
            Assert.True(resources.TryGetProperty(name, out var parameter), $"{name} is not declared");
            Assert.Equal("parameter.v0", parameter.GetProperty("type").GetString());
            Assert.Equal($"{{{name}.inputs.value}}", parameter.GetProperty("value").GetString());
            var input = parameter.GetProperty("inputs").GetProperty("value");
            Assert.True(input.TryGetProperty("secret", out var secret) && secret.GetBoolean(), $"{name} is not secret");
            if (input.TryGetProperty("default", out var @default))
            {
                Assert.Equal(["generate"], @default.EnumerateObject().Select(p => p.Name).ToArray());
            }
        }
        Assert.False(resources.GetProperty("dev-api-key").GetProperty("inputs").GetProperty("value").TryGetProperty("default", out _));

        // No parameter of any kind is written down with a value.
        foreach (var resource in resources.EnumerateObject().Where(r => r.Value.GetProperty("type").GetString() == "parameter.v0"))
        {
            Assert.Equal($"{{{resource.Name}.inputs.value}}", resource.Value.GetProperty("value").GetString());
            foreach (var input in resource.Value.GetProperty("inputs").EnumerateObject())
            {
                Assert.False(input.Value.TryGetProperty("default", out var d) && d.TryGetProperty("value", out _), $"{resource.Name} has a literal default");
            }
        }

        // Any environment variable that looks like a credential is a reference to a parameter, never a literal.
        var credential = new Regex("(secret|key|password|token)", RegexOptions.IgnoreCase);
        var parameterReference = new Regex(@"^\{(?<name>[a-z0-9-]+)\.value\}$");
        foreach (var resource in resources.EnumerateObject().Where(r => r.Value.TryGetProperty("env", out _)))
        {
            foreach (var variable in resource.Value.GetProperty("env").EnumerateObject().Where(v => credential.IsMatch(v.Name)))
            {
                var match = parameterReference.Match(variable.Value.GetString() ?? "");
                Assert.True(match.Success, $"{resource.Name}: {variable.Name} is not a parameter reference");
                Assert.Equal("parameter.v0", resources.GetProperty(match.Groups["name"].Value).GetProperty("type").GetString());
            }
        }

        foreach (var literal in new[] { "sk-aiaspire-dev", "sk-", "Bearer " })
        {
            Assert.DoesNotContain(literal, raw);
        }

        // The values this machine's AppHost keeps in user secrets (generated internal-secret, vectors key, cache password…).
        foreach (var value in UserSecretValues())
        {
            Assert.DoesNotContain(value, raw);
        }
    }

    /// <summary>Every <c>{resource.…}</c> expression names a declared resource, and every binding expression a declared binding.</summary>
    private static void AssertEveryReferenceResolves(JsonElement resources, string raw)
    {
        foreach (Match reference in Regex.Matches(raw, @"\{(?<resource>[a-z0-9-]+)\.(?<rest>[a-zA-Z.]+)\}"))
        {
            var name = reference.Groups["resource"].Value;
            Assert.True(resources.TryGetProperty(name, out var resource), $"{reference.Value} names no resource");
            var rest = reference.Groups["rest"].Value.Split('.');
            if (rest[0] == "bindings")
            {
                Assert.True(resource.GetProperty("bindings").TryGetProperty(rest[1], out _), $"{reference.Value} names no binding");
            }
        }
    }

    /// <summary>The AppHost's folder (the generated metadata names the folder or, in other SDKs, the project file).</summary>
    private static string AppHostDirectory =>
        Directory.Exists(Projects.AppHost.ProjectPath) ? Projects.AppHost.ProjectPath : Path.GetDirectoryName(Projects.AppHost.ProjectPath)!;

    private static IEnumerable<string> UserSecretValues()
    {
        var id = Regex.Match(File.ReadAllText(Path.Combine(AppHostDirectory, "AppHost.csproj")), "<UserSecretsId>(?<id>[^<]+)</UserSecretsId>").Groups["id"].Value;
        Assert.NotEmpty(id);
        var path = Microsoft.Extensions.Configuration.UserSecrets.PathHelper.GetSecretsPathFromSecretsId(id);
        if (!File.Exists(path))
        {
            return [];
        }
        using var secrets = JsonDocument.Parse(File.ReadAllText(path));
        return secrets.RootElement.EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.String && p.Value.GetString()!.Length >= 8)
            .Select(p => p.Value.GetString()!)
            .ToArray();
    }
}
