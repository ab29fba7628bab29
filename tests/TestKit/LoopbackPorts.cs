using Picker = AiAspire.AppHost.Extensions.LoopbackPortPicker;

namespace AiAspire.TestKit;

/// <summary>
/// Free loopback ports for servers a test stops and starts again on the same port. They are picked below the
/// kernel's ephemeral range: a port from <c>bind(0)</c> is one any outgoing connection may take as its local port
/// while the server is down, and another fixture may be handed the same port a moment after this one let go of it.
/// The picker is AppHost's (<c>AppHost/Extensions/LoopbackPortPicker.cs</c>, compiled into TestKit too).
/// </summary>
public static class LoopbackPorts
{
    /// <summary>A port free now, below the ephemeral range, never handed out before in this process.</summary>
    public static int Reserve() => Picker.Reserve();
}
