using System.Net;
using System.Text;
using AiAspire.Bench;
using AiAspire.TestKit;

namespace AiAspire.RouterBench;

/// <summary>
/// The router as the orchestrator calls it: the built RouterService (Release) as a child process on a free loopback port,
/// its shared state on a throwaway redis-server (from PATH), one openai-compatible deployment pointing at TestKit's
/// <see cref="FakeOpenAIServer"/> in this process, and closed-loop load on <c>POST /v1/complete</c>. Reports latency
/// and the router process's CPU time per completion (routing, limits, provider call through the OpenAI SDK, response
/// mapping, HTTP and JSON included), which, unlike latency, hardly depends on what else loads the machine.
/// Calls: <c>complete</c> (a deployment without rpm/tpm limits, as the platform bench configures it), <c>limits</c> (the
/// same with rpm and tpm limits, counted in Redis on every call) and <c>stream</c> (SSE to the end).
/// </summary>
internal static class HttpRun
{
    private const string Body = """
        {"model":"bench","messages":[{"role":"system","content":"You are a helpful support assistant for Contoso. Answer briefly and politely."},{"role":"user","content":"What is the refund policy for annual plans?"}],"temperature":0.7%STREAM%}
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (HttpRunOptions.Parse(args, "router", "RouterService", "complete,limits,stream") is not { } options)
        {
            return 2;
        }

        var upstream = new FakeOpenAIServer();
        await upstream.InitializeAsync();
        var environment = new List<(string, string)>();
        foreach (var (name, limits) in (ValueTuple<string, bool>[])[("bench", false), ("bench-limited", true)])
        {
            environment.Add(($"Catalog__Deployments__{name}__Provider", "openai-compatible"));
            environment.Add(($"Catalog__Deployments__{name}__Endpoint", upstream.V1Endpoint));
            environment.Add(($"Catalog__Deployments__{name}__ApiKey", "sk-bench-upstream"));
            environment.Add(($"Catalog__Deployments__{name}__ModelId", "bench-model"));
            if (limits)
            {
                // High enough never to refuse: the bench measures what counting costs, not a refusal.
                environment.Add(($"Catalog__Deployments__{name}__RequestsPerMinute", "100000000"));
                environment.Add(($"Catalog__Deployments__{name}__TokensPerMinute", "1000000000"));
            }
        }
        try
        {
            return await ServiceHttpRun.RunAsync(options, "router", "RouterService",
                "call         c    calls   req/s   p50 ms   p99 ms  router CPU ms/call  redis CPU ms/call  redis cmds/call",
                environment,
                _ => Task.FromResult<(string, Func<HttpClient, long, Task>)[]>(
                [
                    ("complete", Call(Body.Replace("%STREAM%", ""), stream: false)),
                    ("limits", Call(Body.Replace("\"bench\"", "\"bench-limited\"").Replace("%STREAM%", ""), stream: false)),
                    ("stream", Call(Body.Replace("%STREAM%", ",\"stream\":true"), stream: true)),
                ]));
        }
        finally
        {
            await upstream.DisposeAsync();
        }
    }

    private static Func<HttpClient, long, Task> Call(string body, bool stream) =>
        async (http, _) =>
        {
            using var response = await http.PostAsync("/v1/complete", new StringContent(body, Encoding.UTF8, "application/json"));
            var answer = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK || !answer.Contains(stream ? "\"done\"" : "\"usage\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"/v1/complete answered {(int)response.StatusCode}: {answer}");
            }
        };
}
