using System.Globalization;
using System.Net;
using System.Text;
using AiAspire.Bench;

namespace AiAspire.GuardrailBench;

/// <summary>
/// The guard as the orchestrator calls it: the built GuardrailService (Release) as a child process on a free loopback
/// port with its vault on a throwaway redis-server (from PATH), and closed-loop load on <c>POST /v1/guard/input</c>
/// (a short question, nothing to mask) and <c>/v1/guard/output</c> (a one-sentence answer with a system prompt to
/// check for leakage) — what one chat request costs the guard, HTTP, JSON and ASP.NET included. Reports latency and
/// the guard process's CPU time per call, which, unlike latency, does not depend on what else loads the machine.
/// </summary>
internal static class HttpRun
{
    private const string Question = "What is the refund policy for annual plans?";
    private const string Answer = "Happy to help: you can get your money back within two weeks of buying it.";
    private const string SystemPrompt = "You are a helpful support assistant for Contoso. Answer briefly and politely.";
    private const string QuestionWithEmail = "I am jane.doe@example.com: what is the refund policy for annual plans?";
    private const string AnswerWithPlaceholder = "We will write to <EMAIL_1> about your refund within two weeks.";

    public static async Task<int> RunAsync(string[] args) =>
        HttpRunOptions.Parse(args, "guard", "GuardrailService", "input,output,input-pii,output-vault,stream") is not { } options ? 2
            : await ServiceHttpRun.RunAsync(options, "guard", "GuardrailService",
                "call            c    calls   req/s   p50 ms   p99 ms  guard CPU ms/call  redis CPU ms/call  redis cmds/call",
                [("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit", "0")],
                async address => [.. Scenarios(await VaultIdAsync(address)).Select(s => (s.Name, Call(s.Path, s.Body)))]);

    /// <summary>
    /// The calls measured, each a body per call number: what a chat request without personal data costs (input,
    /// output: the platform bench's case), with an email to mask and vault (input-pii) and its answer restored from the
    /// vault (output-vault), and a streamed answer checked in three windows under one stream id (stream: each window is
    /// one call; the first two keep the stream's tail in Redis, the last forgets it).
    /// </summary>
    private static (string Name, string Path, Func<long, string> Body)[] Scenarios(string vaultId)
    {
        var input = $$"""{"messages":[{"role":"user","content":"{{Question}}"}]}""";
        var output = $$"""{"text":"{{Answer}}","systemPrompt":"{{SystemPrompt}}"}""";
        var inputPii = $$"""{"messages":[{"role":"user","content":"{{QuestionWithEmail}}"}]}""";
        var outputVault = $$"""{"text":"{{AnswerWithPlaceholder}}","vaultId":"{{vaultId}}","systemPrompt":"{{SystemPrompt}}"}""";
        string[] windows = ["Happy to help: you can get your money ", "back within two weeks of buying it, and the ", "refund reaches your card in five days."];
        return
        [
            ("input", "/v1/guard/input", _ => input),
            ("output", "/v1/guard/output", _ => output),
            ("input-pii", "/v1/guard/input", _ => inputPii),
            ("output-vault", "/v1/guard/output", _ => outputVault),
            ("stream", "/v1/guard/output", call =>
            {
                var window = (int)(call % windows.Length);
                var stream = string.Create(CultureInfo.InvariantCulture, $"bench-{call / windows.Length}");
                return $$"""{"text":"{{windows[window]}}","systemPrompt":"{{SystemPrompt}}","streamId":"{{stream}}","final":{{(window == windows.Length - 1 ? "true" : "false")}}}""";
            }),
        ];
    }

    /// <summary>The vault of one masked input, for the output-vault calls to restore from.</summary>
    /// <remarks>A cold guard on a loaded machine may refuse its first calls (scan time budget): a few tries, then give up.</remarks>
    private static async Task<string> VaultIdAsync(string address)
    {
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add(Contracts.AiAspireHeaders.Tenant, "bench");
        var answer = "";
        for (var attempt = 0; attempt < 10; attempt++)
        {
            using var response = await http.PostAsync("/v1/guard/input",
                new StringContent($$"""{"messages":[{"role":"user","content":"{{QuestionWithEmail}}"}]}""", Encoding.UTF8, "application/json"));
            answer = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var verdict = System.Text.Json.JsonDocument.Parse(answer);
                if (verdict.RootElement.TryGetProperty("vaultId", out var id) && id.ValueKind == System.Text.Json.JsonValueKind.String
                    && id.GetString() is { Length: > 0 } vault)
                {
                    return vault;
                }
                break;
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        throw new InvalidOperationException("The guard vaulted nothing for a question with an email: " + answer);
    }

    private static Func<HttpClient, long, Task> Call(string path, Func<long, string> body) =>
        // Each worker numbers its own calls, so a stream's windows are checked in order on one connection's turn.
        async (http, call) =>
        {
            using var response = await http.PostAsync(path, new StringContent(body(call), Encoding.UTF8, "application/json"));
            var answer = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {answer}");
            }
        };
}
