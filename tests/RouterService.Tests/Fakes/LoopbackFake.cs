using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AiAspire.RouterService.Tests.Fakes;

/// <summary>
/// What every fake upstream of this project shares: a Kestrel app on 127.0.0.1 (<see cref="LoopbackServer"/>), and a
/// stop signal that ends requests still being answered (stalls, delays, streams) when the fake is disposed.
/// </summary>
public abstract class LoopbackFake : IAsyncLifetime
{
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;

    /// <summary>Maps the fake's endpoints.</summary>
    protected abstract void Map(WebApplication app);

    /// <summary>Called once the fake listens, with its base address (no trailing slash).</summary>
    protected abstract void Started(string address);

    public async Task InitializeAsync()
    {
        (_app, var address) = await LoopbackServer.StartAsync(Map);
        Started(address);
    }

    public async Task DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        _stopping.Dispose();
    }

    /// <summary>A token source ending when the caller gives up or the fake is disposed; dispose it after the request.</summary>
    protected CancellationTokenSource Linked(HttpContext context) =>
        CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
}
