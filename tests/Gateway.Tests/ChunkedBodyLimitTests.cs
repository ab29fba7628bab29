using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AiAspire.Contracts;
using AiAspire.Gateway.Proxying;
using AiAspire.TestKit;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AiAspire.Gateway.Tests;

/// <summary>
/// A body without a declared length over the limit, on a real Kestrel connection: the client gets its 413 problem and
/// the connection stays usable, because the gateway reads and discards the rest instead of closing under the client.
/// Only a body beyond <see cref="ChunkedBodyLimit.DrainAllowance"/> over the limit costs the connection.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ChunkedBodyLimitTests : IDisposable
{
    private const int Limit = 100_000;

    private readonly GatewayApp _app;
    private readonly WebApplicationFactory<Program> _replica;
    private readonly Uri _address;
    private int _connections;

    public ChunkedBodyLimitTests(GatewayApp app)
    {
        _app = app;
        app.Reset();
        (_replica, _address) = app.CreateKestrelReplica(new Dictionary<string, string>
        {
            ["Kestrel:Limits:MaxRequestBodySize"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ReverseProxy:Routes:chat-completions:Metadata:MaxRequestBodySize"] = "1000",
        });
    }

    public void Dispose() => _replica.Dispose();

    [Fact]
    public async Task GatewayEndpoint_ChunkedBodyOverTheLimit_Is413Problem_OnAConnectionThatStaysUsable()
    {
        using var client = CountingClient();

        using var refused = await client.SendAsync(Chunked("/api/keys", GatewayApp.DevKey, JsonOfSize(Limit + 64 * 1024)));
        await Proxy.AssertProblemAsync(refused, HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
        using var next = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(1, _connections);
    }

    [Fact]
    public async Task ProxiedRoute_ChunkedBodyOverTheRoutesLimit_Is413Problem_ReachesNoBackend_AndKeepsTheConnection()
    {
        using var client = CountingClient();

        using var refused = await client.SendAsync(Chunked("/v1/chat/completions", GatewayApp.AcmeKey, JsonOfSize(5_000)));
        await Proxy.AssertProblemAsync(refused, HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
        using var next = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(1, _connections);
        Assert.Empty(_app.AllReceived);
    }

    [Fact]
    public async Task ProxiedRoute_ChunkedBodyWithinTheLimit_ReachesTheBackendWhole()
    {
        using var client = CountingClient();
        var body = JsonOfSize(900);

        using var response = await client.SendAsync(Chunked("/v1/chat/completions", GatewayApp.AcmeKey, body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(_app.Backends["orchestrator"].Received);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body)), received.BodySha256);
    }

    [Fact]
    public async Task ChunkedBodyBeyondTheDrainAllowance_CostsTheConnection()
    {
        using var client = CountingClient();

        // Either the 413 or a transport error, depending on how far the client got before the server cut it off.
        try
        {
            using var refused = await client.SendAsync(Chunked("/api/keys", GatewayApp.DevKey, JsonOfSize(Limit + (int)ChunkedBodyLimit.DrainAllowance + 1024 * 1024)));
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        }
        catch (HttpRequestException)
        {
        }
        using var next = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(2, _connections);
    }

    /// <summary>One connection at a time, each one counted.</summary>
    private HttpClient CountingClient() => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1,
        ConnectCallback = async (context, cancellationToken) =>
        {
            Interlocked.Increment(ref _connections);
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = _address,
        Timeout = TimeSpan.FromSeconds(30),
    };

    private static HttpRequestMessage Chunked(string path, string key, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ChunkedContent(body, 16 * 1024) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    /// <summary>A chat request of exactly <paramref name="size"/> bytes.</summary>
    private static byte[] JsonOfSize(int size)
    {
        const string Head = "{\"model\":\"m\",\"name\":\"n\",\"messages\":[{\"role\":\"user\",\"content\":\"";
        const string Tail = "\"}]}";
        return Encoding.UTF8.GetBytes(Head + new string('x', size - Head.Length - Tail.Length) + Tail);
    }
}
