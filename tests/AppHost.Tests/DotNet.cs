namespace AiAspire.AppHost.Tests;

internal static class DotNet
{
    /// <summary>The dotnet host running the tests.</summary>
    public static string Path { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : Environment.ProcessPath is { } process && System.IO.Path.GetFileNameWithoutExtension(process) == "dotnet"
                ? process
                : "dotnet";
}
