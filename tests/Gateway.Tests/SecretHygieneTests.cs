using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using AiAspire.Gateway.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiAspire.Gateway.Tests;

/// <summary>
/// Secrets stay out of the gateway's logs and its outbound calls: no log line at any level carries an API key (valid,
/// wrong, revoked, in either header) or the user's text, and no request field or header sends the gateway anywhere
/// but its configured destinations.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class SecretHygieneTests
{
    private const string Email = "jane.doe.secret-hygiene@example.org";

    private readonly GatewayApp _app;

    public SecretHygieneTests(GatewayApp app)
    {
        _app = app;
        app.Reset();
    }

    [Fact]
    public async Task NoLogLine_AtAnyLevel_ContainsAnApiKeyOrTheUsersText()
    {
        var logs = new CapturingLoggerProvider();
        await using var gateway = _app.Factory.WithWebHostBuilder(builder =>
        {
            builder.ConfigureServices(services => services
                .AddSingleton<ILoggerProvider>(logs)
                .PostConfigure<LoggerFilterOptions>(filters =>
                {
                    // Every category at every level: configured per-category filters would hide Information and below.
                    filters.Rules.Clear();
                    filters.MinLevel = LogLevel.Trace;
                }));
        });
        using var client = GatewayApp.CreateClient(gateway);

        var created = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "hygiene", name = "logs", scopes = new[] { Scopes.Chat } });
        var wrongKey = "sk-aia-" + new string('x', 40);
        var chat = new { model = "local", messages = new[] { new { role = "user", content = $"Mail {Email} my key {created.Key}" } } };

        await Proxy.AssertProxiedAsync(await client.SendAsync(Chat(created.Key, chat, header: "Authorization")));
        await Proxy.AssertProxiedAsync(await client.SendAsync(Chat(created.Key, chat, header: "api-key")));
        await Proxy.AssertProxiedAsync(await client.SendAsync(Chat(GatewayApp.AcmeKey, chat, header: "Authorization")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Chat(wrongKey, chat, header: "Authorization"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Chat(wrongKey, chat, header: "api-key"))).StatusCode);
        var revoke = await client.SendAsync(Keys.Request(HttpMethod.Delete, $"/api/keys/{created.Id}", GatewayApp.DevKey));
        Assert.True(revoke.IsSuccessStatusCode, $"Revoking: {(int)revoke.StatusCode}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Chat(created.Key, chat, header: "Authorization"))).StatusCode);

        var lines = logs.Lines;
        Assert.NotEmpty(lines);
        string[] secrets = [created.Key, created.Key["sk-aia-".Length..], wrongKey, GatewayApp.AcmeKey, GatewayApp.DevKey,
            Email];
        foreach (var secret in secrets)
        {
            var leaking = lines.FirstOrDefault(line => line.Contains(secret, StringComparison.OrdinalIgnoreCase));
            Assert.True(leaking is null, $"A log line contains a secret: {leaking}");
        }
    }

    [Fact]
    public async Task UrlsInFieldsAndForwardingHeaders_NeverMakeTheGatewayCallThem()
    {
        var trap = new TcpListener(IPAddress.Loopback, 0);
        trap.Start();
        try
        {
            var trapUrl = $"http://127.0.0.1:{((IPEndPoint)trap.LocalEndpoint).Port}";
            using var client = _app.CreateClient();
            var body = new
            {
                model = trapUrl + "/v1",
                endpoint = trapUrl,
                webhook = trapUrl + "/hook",
                url = trapUrl + "/doc",
                source = trapUrl + "/doc",
                messages = new[] { new { role = "user", content = "Fetch " + trapUrl } },
            };
            foreach (var path in new[] { "/v1/chat/completions", "/api/chat", "/api/documents", "/v1/embeddings", "/v1/retrieve" })
            {
                var request = Keys.Request(HttpMethod.Post, path, GatewayApp.DevKey, body);
                request.Headers.TryAddWithoutValidation("X-Forwarded-Host", trapUrl["http://".Length..]);
                request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "http");
                request.Headers.TryAddWithoutValidation("Forwarded", $"host={trapUrl["http://".Length..]};proto=http");
                request.Headers.TryAddWithoutValidation("X-Original-URL", trapUrl + "/x");
                request.Headers.TryAddWithoutValidation("Referer", trapUrl);
                await Proxy.AssertProxiedAsync(await client.SendAsync(request));
            }

            Assert.NotEmpty(_app.AllReceived);
            // Every request has been answered through a configured backend; a call to the trap would have connected first.
            Assert.False(trap.Pending(), "The gateway connected to a URL taken from a request.");
        }
        finally
        {
            trap.Stop();
        }
    }

    private static HttpRequestMessage Chat(string key, object body, string header)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation(header, header == "Authorization" ? "Bearer " + key : key);
        return request;
    }
}
