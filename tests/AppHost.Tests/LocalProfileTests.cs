using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using AiAspire.AppHost.Extensions;

namespace AiAspire.AppHost.Tests;

public sealed class LocalProfileTests
{
    [Fact]
    public async Task Local_RunsRedisServerAsAnExecutable_WithNoKafkaOrQdrant()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "aiaspire-apphost-" + Guid.NewGuid().ToString("N"));
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--Infrastructure:Mode=local", $"--Infrastructure:DataPath={dataPath}"]);

        var cache = Assert.IsType<LocalRedisResource>(builder.Resources.Single(r => r.Name == "cache"));
        Assert.EndsWith("redis-server", cache.Command);
        var endpoint = cache.Annotations.OfType<EndpointAnnotation>().Single();
        Assert.False(endpoint.IsProxied);
        Assert.Equal(endpoint.Port, endpoint.TargetPort);
        Assert.Contains(cache.Annotations, a => a is HealthCheckAnnotation);
        Assert.DoesNotContain(builder.Resources, r => r.Name is "events" or "vectors");

        var environment = await ResourceEnvironment.OfAsync(builder.Resources.Single(r => r.Name == "ragservice"), DistributedApplicationOperation.Publish);
        Assert.Equal(Path.Combine(dataPath, "ragservice"), environment["Rag__DataPath"]);
        Assert.False(environment.ContainsKey("ConnectionStrings__vectors"));
    }

    [Fact]
    public async Task RunMode_AcceptsTheDevKey_UnlessOverridden()
    {
        await using var defaults = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--Infrastructure:Mode=local"]);
        var key = defaults.Resources.OfType<ParameterResource>().Single(p => p.Name == "dev-api-key");
        Assert.True(key.Secret);
        Assert.Equal(ParameterExtensions.DevApiKey, defaults.Configuration["Parameters:dev-api-key"]);

        await using var overridden = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--Infrastructure:Mode=local", "--Parameters:dev-api-key=sk-custom"]);
        Assert.Equal("sk-custom", overridden.Configuration["Parameters:dev-api-key"]);
    }

    [Fact]
    public async Task ProviderCredentials_ArePassedToTheRouter_OnlyWhenConfigured()
    {
        await using var none = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--Infrastructure:Mode=local"]);
        Assert.DoesNotContain(none.Resources.OfType<ParameterResource>(), p => p.Name == "openai-api-key");

        await using var configured = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--Infrastructure:Mode=local", "--Parameters:openai-api-key=sk-test-openai"]);
        Assert.True(configured.Resources.OfType<ParameterResource>().Single(p => p.Name == "openai-api-key").Secret);
        var environment = await ResourceEnvironment.OfAsync(configured.Resources.Single(r => r.Name == "routerservice"), DistributedApplicationOperation.Publish);
        Assert.Equal("{openai-api-key.value}", environment["Providers__OpenAI__ApiKey"]);
    }

    [Fact]
    public void Auto_IsLocal_WhenNoContainerRuntimeAnswers()
    {
        Assert.False(InfrastructureExtensions.ContainerRuntimeAnswers("no-such-container-runtime"));
    }

    [Fact]
    public async Task UnknownMode_StopsWithAClearMessage()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--Infrastructure:Mode=kubernetes"]);
        });
        Assert.Contains("use auto, containers or local", Flatten(error));
    }

    [Fact]
    public async Task Local_WithoutRedisServer_StopsAtOnce_SayingHowToInstallIt()
    {
        var start = new ProcessStartInfo(DotNet.Path, ["run", "--project", Projects.AppHost.ProjectPath, "--no-build", "--no-launch-profile", "--", "--Infrastructure:Mode=local"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PATH"] = Path.GetDirectoryName(DotNet.Path)!;
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("AppHost kept running without redis-server.");
        }

        Assert.NotEqual(0, process.ExitCode);
        var printed = await output + await errors;
        Assert.Contains("redis-server was not found", printed);
        Assert.Contains("apt-get install -y redis-server", printed);
    }

    private static string Flatten(Exception error) =>
        error is AggregateException aggregate ? string.Join(" ", aggregate.InnerExceptions.Select(Flatten)) : error.ToString();
}
