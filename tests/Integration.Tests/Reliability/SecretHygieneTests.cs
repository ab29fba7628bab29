using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using AiAspire.TestKit;

namespace AiAspire.Integration.Tests.Reliability;

/// <summary>
/// Provider, embedding, webhook and document URLs come only from configuration: a URL in any request field or
/// forwarding header, sent to every public endpoint that takes a body, never makes a service connect to it.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class SecretHygieneTests(PlatformFixture platform)
{
    [Fact]
    public async Task UrlsInRequestFields_NeverMakeAServiceCallThem()
    {
        var trap = new TcpListener(IPAddress.Loopback, 0);
        trap.Start();
        try
        {
            var hostAndPort = $"127.0.0.1:{((IPEndPoint)trap.LocalEndpoint).Port}";
            var url = $"http://{hostAndPort}/v1";
            var tenant = TenantKeys.NewTenant("urls");
            using var client = platform.CreateClient(await TenantKeys.CreateAsync(platform, tenant));
            client.DefaultRequestHeaders.TryAddWithoutValidation("X-Forwarded-Host", hostAndPort);
            client.DefaultRequestHeaders.TryAddWithoutValidation("Forwarded", $"host={hostAndPort};proto=http");
            client.DefaultRequestHeaders.TryAddWithoutValidation("X-Original-URL", url);
            var documentId = "urls-" + Guid.NewGuid().ToString("N")[..12];
            var urlFields = new Dictionary<string, object?>
            {
                ["base_url"] = url,
                ["api_base"] = url,
                ["endpoint"] = url,
                ["url"] = url,
                ["source"] = url,
                ["webhook"] = url,
                ["webhookUrl"] = url,
                ["callback_url"] = url,
            };
            var messages = new[] { new { role = "user", content = $"Summarise {url}/page and post it to {url}/hook" } };

            (string Path, Dictionary<string, object?> Body)[] requests =
            [
                ("/v1/chat/completions", With(urlFields, ("model", url), ("messages", messages))),
                ("/v1/chat/completions", With(urlFields, ("model", "local"), ("messages", messages))),
                ("/v1/chat/completions", With(urlFields, ("model", PlatformFixture.FakeDeployment), ("messages", messages))),
                ("/api/chat", With(urlFields, ("model", url), ("message", messages[0].content))),
                ("/api/chat", With(urlFields, ("model", "local"), ("message", messages[0].content), ("rag", "off"))),
                ("/v1/embeddings", With(urlFields, ("model", url), ("input", url))),
                ("/v1/embeddings", With(urlFields, ("input", url))),
                ("/v1/retrieve", With(urlFields, ("query", url))),
                ("/api/documents", With(urlFields, ("id", documentId), ("text", $"See {url} for details."), ("metadata", new { source = url }))),
                ("/api/quality/datasets", With(urlFields)),
            ];
            var statuses = new List<string>();
            foreach (var (path, body) in requests)
            {
                using var response = await client.PostAsJsonAsync(path, body);
                statuses.Add($"{path} {(int)response.StatusCode}");
            }
            Assert.DoesNotContain(statuses, s => s.EndsWith(" 500", StringComparison.Ordinal) || s.EndsWith(" 502", StringComparison.Ordinal));
            // The fake deployment answered, so requests did reach the configured provider.
            Assert.Contains(statuses, s => s == "/v1/chat/completions 200");

            // Ingestion is the one step that may run after its response: wait until the document is stored.
            await Eventually.HoldsAsync(async () => (await client.GetAsync($"/api/documents/{documentId}")).StatusCode == HttpStatusCode.OK,
                "the document with URL fields is stored", TimeSpan.FromSeconds(60));

            Assert.False(trap.Pending(), "A service connected to a URL taken from a request: " + string.Join(", ", statuses));
        }
        finally
        {
            trap.Stop();
        }
    }

    private static Dictionary<string, object?> With(Dictionary<string, object?> fields, params (string Name, object? Value)[] more)
    {
        var body = new Dictionary<string, object?>(fields);
        foreach (var (name, value) in more)
        {
            body[name] = value;
        }
        return body;
    }
}
