using System.Net;
using System.Net.Sockets;

namespace AiAspire.PlatformBench;

internal static class BenchPaths
{
    /// <summary>The repository root: the nearest folder above the binaries holding AiAspire.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AiAspire.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Run from inside the repository: AiAspire.sln not found above " + AppContext.BaseDirectory);
    }
}
