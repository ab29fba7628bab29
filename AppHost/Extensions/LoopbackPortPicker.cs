using System.Net;
using System.Net.Sockets;

namespace AiAspire.AppHost.Extensions;

/// <summary>
/// Free loopback ports for servers that are stopped and started again on the same port: AppHost's local Redis (a
/// restart from the dashboard) and TestKit's servers (outage tests), which compiles this file too. They are picked
/// below the kernel's ephemeral range: a port from <c>bind(0)</c> is one any outgoing connection may take as its local
/// port while the server is down, and another caller may be handed the same port a moment after this one let go of it.
/// </summary>
internal static class LoopbackPortPicker
{
    private const int Lowest = 20_000;
    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();

    /// <summary>A port free now, below the ephemeral range, never handed out before in this process.</summary>
    /// <exception cref="InvalidOperationException">No such port was found in 1000 random tries.</exception>
    public static int Reserve()
    {
        var highest = EphemeralRangeStart() - 1;
        lock (Gate)
        {
            for (var attempt = 0; attempt < 1_000; attempt++)
            {
                var port = Random.Shared.Next(Lowest, highest + 1);
                if (!HandedOut.Contains(port) && IsFree(port))
                {
                    HandedOut.Add(port);
                    return port;
                }
            }
        }
        throw new InvalidOperationException($"No free loopback port between {Lowest} and {highest} after 1000 tries.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first port of the kernel's ephemeral range; Linux's default when it cannot be read.</summary>
    private static int EphemeralRangeStart()
    {
        const int LinuxDefault = 32_768;
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.TryParse(range[0], out var start) && start > Lowest + 1_000 ? start : LinuxDefault;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return LinuxDefault;
        }
    }
}
