using System.Diagnostics;
using System.Text.Json;

namespace AiAspire.AppHost.Tests;

/// <summary>What azd consumes: <c>dotnet run --project AppHost -- --publisher manifest</c>.</summary>
public sealed class ManifestPublishingTests
{
    [Fact]
    public async Task ManifestPublishing_HasEveryServiceAndRedisKafkaQdrant_AndSecretsAsParameters()
    {
        var output = Path.Combine(Path.GetTempPath(), "aiaspire-manifest-" + Guid.NewGuid().ToString("N"), "aspire-manifest.json");
        var start = new ProcessStartInfo(DotNet.Path,
            ["run", "--project", Projects.AppHost.ProjectPath, "--no-build", "--", "--publisher", "manifest", "--output-path", output])
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

        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(output));
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

        var raw = await File.ReadAllTextAsync(output);
        Assert.DoesNotContain("sk-aiaspire-dev", raw);
    }
}
