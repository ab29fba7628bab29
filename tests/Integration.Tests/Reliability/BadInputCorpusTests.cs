using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AiAspire.TestKit;
using Xunit.Abstractions;

namespace AiAspire.Integration.Tests.Reliability;

/// <summary>
/// Sends the whole bad-input corpus through the gateway, one endpoint per case of the theory: every request must be
/// answered 4xx with application/problem+json (never a 5xx, never a success), and every service must still be healthy
/// afterwards. Each case reports all of its endpoint's failures at once.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class BadInputCorpusTests(PlatformFixture platform, ITestOutputHelper output)
{
    private static readonly string[] Services = ["gateway", "orchestrator", "ragservice", "routerservice", "guardrailservice", "feedbackworker"];

    public static TheoryData<string> Endpoints => [.. BadInputCorpus.Endpoints];

    [Fact]
    public void Corpus_HasAtLeast300Cases_CoveringEveryPublicEndpoint()
    {
        var corpus = BadInputCorpus.All();

        Assert.True(corpus.Count >= 300, $"The corpus has only {corpus.Count} cases.");
        string[] prefixes =
        [
            "/v1/chat/completions", "/v1/models", "/api/chat", "/api/feedback", "/v1/embeddings", "/v1/retrieve", "/api/documents",
            "/api/documents/", "/api/ingestions/", "/v1/guard/input", "/v1/guard/output", "/v1/guard/documents", "/v1/route/explain",
            "/api/quality/", "/api/keys", "/api/tenants/",
        ];
        Assert.All(prefixes, prefix => Assert.Contains(corpus, c => c.Path.StartsWith(prefix, StringComparison.Ordinal)));
        output.WriteLine($"{corpus.Count} cases over {corpus.Select(c => c.Endpoint).Distinct().Count()} endpoints and " +
            $"{corpus.Select(c => c.Category).Distinct().Count()} categories.");
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task EveryBadInput_GetsA4xxProblem_AndEveryServiceStaysHealthy(string endpoint)
    {
        var cases = BadInputCorpus.For(endpoint);
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = platform.GatewayAddress,
            Timeout = TimeSpan.FromSeconds(120),
        };

        var failures = new List<string>();
        var statuses = new List<(string Category, int Status)>();
        foreach (var badInput in cases)
        {
            var (status, mediaType, body) = badInput.Body is { Length: > 1024 * 1024 }
                ? await SendOnItsOwnConnectionAsync(badInput)
                : await SendAsync(client, badInput);
            statuses.Add((badInput.Category, status));
            var answered = badInput.RejectedByServer
                ? status == 400
                : status is >= 400 and < 500 && mediaType == "application/problem+json";
            if (!answered)
            {
                failures.Add($"{badInput} {badInput.Method} {Shorten(badInput.Path)} → {status} {mediaType}: {Shorten(body)}");
            }
        }

        output.WriteLine($"{endpoint}: {cases.Count} cases; statuses {Tally(statuses.Select(s => s.Status))}");
        foreach (var category in statuses.GroupBy(s => s.Category))
        {
            output.WriteLine($"  {category.Key,-18} {category.Count(),3} → {Tally(category.Select(s => s.Status))}");
        }
        foreach (var failure in failures)
        {
            output.WriteLine("  FAILED " + failure);
        }

        var unhealthy = await UnhealthyServicesAsync();
        Assert.True(failures.Count == 0 && unhealthy.Count == 0,
            $"{failures.Count} of {cases.Count} bad inputs to {endpoint} were not answered with a 4xx problem:\n" +
            string.Join("\n", failures) + (unhealthy.Count == 0 ? "" : "\nUnhealthy afterwards: " + string.Join(", ", unhealthy)));
    }

    /// <summary>A refused upload may close its connection mid-body: it gets a connection no other case shares.</summary>
    private async Task<(int Status, string? MediaType, string Body)> SendOnItsOwnConnectionAsync(BadInputCase badInput)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = platform.GatewayAddress,
            Timeout = TimeSpan.FromSeconds(120),
        };
        return await SendAsync(client, badInput);
    }

    private static async Task<(int Status, string? MediaType, string Body)> SendAsync(HttpClient client, BadInputCase badInput)
    {
        using var request = new HttpRequestMessage(badInput.Method, badInput.Path);
        if (badInput.Body is { } body)
        {
            request.Content = badInput.Chunked ? new ChunkedContent(body) : new ByteArrayContent(body);
            // A body over the limit is sent only once the gateway asks for it: a refusal before that costs nothing.
            request.Headers.ExpectContinue = body.Length > 1024 * 1024;
            if (badInput.ContentType is { } contentType)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }
        if (badInput.Authorization is { } authorization)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        foreach (var (name, value) in badInput.Headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, text);
        }
        catch (HttpRequestException ex)
        {
            return (0, null, "transport error: " + ex.Message);
        }
    }

    private async Task<List<string>> UnhealthyServicesAsync()
    {
        var unhealthy = new List<string>();
        foreach (var service in Services)
        {
            using var client = platform.CreateServiceClient(service);
            var healthy = false;
            // A service gets a few seconds to answer: the corpus must not have broken it, but a busy machine is slow.
            for (var attempt = 0; attempt < 10 && !healthy; attempt++)
            {
                try
                {
                    using var response = await client.GetAsync("/health");
                    healthy = response.StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                }
                if (!healthy)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1));
                }
            }
            if (!healthy)
            {
                unhealthy.Add(service);
            }
        }
        return unhealthy;
    }

    private static string Tally(IEnumerable<int> statuses) =>
        string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "none" : g.Key)}×{g.Count()}"));

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + "…";
}
