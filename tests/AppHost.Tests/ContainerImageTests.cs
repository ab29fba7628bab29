using System.Diagnostics;
using System.Text.Json;

namespace AiAspire.AppHost.Tests;

/// <summary>Every service's image comes from the .NET SDK (no Dockerfiles): small official base, non-root, lower-case repository.</summary>
public sealed class ContainerImageTests
{
    public static TheoryData<string> Services => new() { "Gateway", "Orchestrator", "RagService", "RouterService", "GuardrailService", "FeedbackWorker" };

    [Theory]
    [MemberData(nameof(Services))]
    public async Task ServiceProject_PublishesASmallNonRootImage_WithoutADockerfile(string service)
    {
        var appHost = Directory.Exists(Projects.AppHost.ProjectPath) ? Projects.AppHost.ProjectPath : Path.GetDirectoryName(Projects.AppHost.ProjectPath)!;
        var directory = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(appHost))!, service);
        var project = Path.Combine(directory, service + ".csproj");

        var start = new ProcessStartInfo(DotNet.Path,
            ["msbuild", project, "-getProperty:ContainerBaseImage", "-getProperty:ContainerUser", "-getProperty:ContainerRepository", "-getProperty:EnableSdkContainerSupport"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await stdout + await stderr);

        using var result = JsonDocument.Parse(await stdout);
        var properties = result.RootElement.GetProperty("Properties");
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/aspnet:10\.0(-noble-chiseled)?$", properties.GetProperty("ContainerBaseImage").GetString());
        Assert.Equal("app", properties.GetProperty("ContainerUser").GetString());
        Assert.Equal(service.ToLowerInvariant(), properties.GetProperty("ContainerRepository").GetString());
        Assert.Equal("true", properties.GetProperty("EnableSdkContainerSupport").GetString(), ignoreCase: true);
        Assert.False(File.Exists(Path.Combine(directory, "Dockerfile")), $"{service} has a Dockerfile; images come from the SDK");
    }
}
