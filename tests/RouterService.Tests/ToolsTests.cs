using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using AiAspire.RouterService.Routing;
using AiAspire.RouterService.Tests.Resilience;
using AiAspire.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.AI;

namespace AiAspire.RouterService.Tests;

/// <summary>
/// Function tools through the router: declarations and tool choice reach an OpenAI-compatible upstream in its wire
/// format, the calls it makes come back (whole, when streamed in fragments), and only deployments that declare the
/// "tools" capability are chosen for a request that needs it.
/// </summary>
public sealed class ToolsTests
{
    private static readonly JsonElement WeatherParameters = JsonDocument.Parse(
        """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement;

    private static CompletionRequest WeatherRequest(ToolChoice? choice = null, IReadOnlyList<RouterMessage>? messages = null) => new(
        messages ?? [new RouterMessage("user", "What is the weather in Paris?")],
        Model: "chain",
        Capabilities: ["tools"],
        Tools: [new ToolDefinition("get_weather", "The current weather in a city.", WeatherParameters)],
        ToolChoice: choice);

    /// <summary>
    /// The service in memory with a deployment per upstream and one priority route <c>chain</c> over them in order;
    /// only <paramref name="toolsCapable"/> deployments declare the "tools" capability.
    /// </summary>
    private static async Task<WebApplicationFactory<Program>> StartAsync(
        IReadOnlyList<(string Name, ToolCallingOpenAIServer Upstream)> chain, params string[] toolsCapable)
    {
        await Task.WhenAll(chain.Select(c => c.Upstream.InitializeAsync()));
        var settings = new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "None",
            ["Providers:OpenAI:ApiKey"] = "",
            ["Router:MaxRetries"] = "0",
            ["Catalog:Routes:chain:Strategy"] = "priority",
        };
        for (var i = 0; i < chain.Count; i++)
        {
            var (name, upstream) = chain[i];
            settings[$"Catalog:Deployments:{name}:Provider"] = upstream.Provider;
            settings[$"Catalog:Deployments:{name}:Endpoint"] = upstream.Endpoint;
            settings[$"Catalog:Deployments:{name}:ApiKey"] = "sk-test";
            settings[$"Catalog:Routes:chain:Candidates:{i}"] = name;
        }
        foreach (var name in toolsCapable)
        {
            settings[$"Catalog:Deployments:{name}:Capabilities:0"] = "tools";
        }
        return new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
    }

    private static HttpClient ClientOf(WebApplicationFactory<Program> router)
    {
        var client = router.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        client.DefaultRequestHeaders.Add(AiAspireHeaders.Tenant, "tenant-a");
        return client;
    }

    [Fact]
    public async Task Complete_WithTools_SendsTheDeclarationsUpstream_AndReturnsTheToolCall()
    {
        await using var upstream = new ToolCallingOpenAIServer();
        await using var router = await StartAsync([("tooled", upstream)], "tooled");
        using var client = ClientOf(router);

        using var response = await client.PostAsJsonAsync("/v1/complete",
            WeatherRequest(new ToolChoice(ToolChoice.Function, "get_weather")), ContractsJsonContext.Default.CompletionRequest);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var completion = JsonSerializer.Deserialize(body, ContractsJsonContext.Default.CompletionResponse)!;
        Assert.Equal("tool_calls", completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls!);
        Assert.Equal(ToolCallingOpenAIServer.CallId, call.Id);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", JsonDocument.Parse(call.Arguments).RootElement.GetProperty("city").GetString());

        var sent = Assert.Single(upstream.Bodies);
        var tool = Assert.Single(sent.GetProperty("tools").EnumerateArray());
        Assert.Equal("function", tool.GetProperty("type").GetString());
        Assert.Equal("get_weather", tool.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("The current weather in a city.", tool.GetProperty("function").GetProperty("description").GetString());
        Assert.Equal("string", tool.GetProperty("function").GetProperty("parameters").GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        var choice = sent.GetProperty("tool_choice");
        Assert.Equal("function", choice.GetProperty("type").GetString());
        Assert.Equal("get_weather", choice.GetProperty("function").GetProperty("name").GetString());
    }

    [Theory]
    [InlineData(ToolChoice.Auto, "auto")]
    [InlineData(ToolChoice.None, "none")]
    [InlineData(ToolChoice.Required, "required")]
    public async Task Complete_ToolChoiceMode_ReachesTheUpstreamInItsWireForm(string mode, string wire)
    {
        await using var upstream = new ToolCallingOpenAIServer();
        await using var router = await StartAsync([("tooled", upstream)], "tooled");
        using var client = ClientOf(router);

        using var response = await client.PostAsJsonAsync("/v1/complete", WeatherRequest(new ToolChoice(mode)), ContractsJsonContext.Default.CompletionRequest);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(wire, Assert.Single(upstream.Bodies).GetProperty("tool_choice").GetString());
    }

    [Fact]
    public async Task Complete_WithoutTools_SendsNoToolsUpstream()
    {
        await using var upstream = new ToolCallingOpenAIServer();
        await using var router = await StartAsync([("tooled", upstream)], "tooled");
        using var client = ClientOf(router);

        using var response = await client.PostAsJsonAsync("/v1/complete",
            new CompletionRequest([new RouterMessage("user", "hello")], Model: "chain"), ContractsJsonContext.Default.CompletionRequest);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(upstream.Bodies);
        Assert.False(sent.TryGetProperty("tools", out _));
        Assert.False(sent.TryGetProperty("tool_choice", out _));
    }

    [Fact]
    public async Task Stream_WithTools_JoinsTheArgumentFragments_AndEndsWithToolCalls()
    {
        await using var upstream = new ToolCallingOpenAIServer();
        await using var router = await StartAsync([("tooled", upstream)], "tooled");
        using var client = ClientOf(router);

        using var response = await client.PostAsJsonAsync("/v1/complete", WeatherRequest() with { Stream = true }, ContractsJsonContext.Default.CompletionRequest);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = (await response.Content.ReadAsStringAsync())
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => JsonSerializer.Deserialize(e["data: ".Length..], ContractsJsonContext.Default.CompletionStreamEvent)!)
            .ToList();
        Assert.Equal(CompletionStreamEvent.Start, events[0].Type);
        Assert.Equal("tooled", events[0].Route!.Deployment);
        var call = Assert.Single(events.Where(e => e.ToolCalls is not null).SelectMany(e => e.ToolCalls!));
        Assert.Equal(ToolCallingOpenAIServer.CallId, call.Id);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", JsonDocument.Parse(call.Arguments).RootElement.GetProperty("city").GetString());
        var done = events[^1];
        Assert.Equal(CompletionStreamEvent.Done, done.Type);
        Assert.Equal("tool_calls", done.FinishReason);
        Assert.True(Assert.Single(upstream.Bodies).GetProperty("stream").GetBoolean());
    }

    [Fact]
    public async Task Complete_NeedingTools_SkipsADeploymentWithoutTheCapability()
    {
        await using var plain = new ToolCallingOpenAIServer();
        await using var tooled = new ToolCallingOpenAIServer();
        await using var router = await StartAsync([("plain", plain), ("tooled", tooled)], "tooled");
        using var client = ClientOf(router);

        using var response = await client.PostAsJsonAsync("/v1/complete", WeatherRequest(), ContractsJsonContext.Default.CompletionRequest);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("tooled", JsonSerializer.Deserialize(body, ContractsJsonContext.Default.CompletionResponse)!.Route.Deployment);
        Assert.Empty(plain.Bodies);
        Assert.Single(tooled.Bodies);
    }

    [Fact]
    public async Task Complete_AToolResultTurn_ReachesTheUpstreamAsAssistantToolCallsAndAToolMessage()
    {
        await using var upstream = new ToolCallingOpenAIServer();
        await using var router = await StartAsync([("tooled", upstream)], "tooled");
        var planner = router.Services.GetRequiredService<RoutePlanner>();
        var completions = router.Services.GetRequiredService<CompletionRouter>();
        var request = WeatherRequest(messages:
        [
            new RouterMessage("user", "What is the weather in Paris?"),
            new RouterMessage("assistant", "", ToolCalls: [new ToolCall("call_7", "get_weather", """{"city":"Paris"}""")]),
            new RouterMessage("tool", """{"celsius":21}""", ToolCallId: "call_7"),
        ]);

        var completion = await completions.CompleteAsync(planner.Plan(request), request, CancellationToken.None);

        Assert.Equal("tooled", completion.Route.Deployment);
        var messages = Assert.Single(upstream.Bodies).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(3, messages.Count);
        var assistant = messages[1];
        Assert.Equal("assistant", assistant.GetProperty("role").GetString());
        var call = Assert.Single(assistant.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("call_7", call.GetProperty("id").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("Paris", JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("city").GetString());
        var tool = messages[2];
        Assert.Equal("tool", tool.GetProperty("role").GetString());
        Assert.Equal("call_7", tool.GetProperty("tool_call_id").GetString());
        Assert.Contains("21", tool.GetProperty("content").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Complete_WithToolsButNoCapabilitiesListed_StillNeedsTheToolsCapability()
    {
        await using var plain = new ToolCallingOpenAIServer();
        await using var tooled = new ToolCallingOpenAIServer();
        await using var router = await StartAsync([("plain", plain), ("tooled", tooled)], "tooled");
        using var client = ClientOf(router);

        using var response = await client.PostAsJsonAsync("/v1/complete", WeatherRequest() with { Capabilities = null }, ContractsJsonContext.Default.CompletionRequest);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("tooled", JsonSerializer.Deserialize(body, ContractsJsonContext.Default.CompletionResponse)!.Route.Deployment);
        Assert.Empty(plain.Bodies);
    }

    [Fact]
    public async Task Complete_AToolResultTurnOverHttp_IsAccepted()
    {
        await using var upstream = new ToolCallingOpenAIServer();
        await using var router = await StartAsync([("tooled", upstream)], "tooled");
        using var client = ClientOf(router);
        var request = WeatherRequest(messages:
        [
            new RouterMessage("user", "What is the weather in Paris?"),
            new RouterMessage("assistant", "", ToolCalls: [new ToolCall("call_7", "get_weather", """{"city":"Paris"}""")]),
            new RouterMessage("tool", "sunny", ToolCallId: "call_7"),
        ]);

        using var response = await client.PostAsJsonAsync("/v1/complete", request, ContractsJsonContext.Default.CompletionRequest);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal("call_7", Assert.Single(upstream.Bodies).GetProperty("messages")[2].GetProperty("tool_call_id").GetString());
    }

    [Fact]
    public async Task Complete_ToolChoiceNamingAnUndeclaredFunction_Is400()
    {
        await using var upstream = new ToolCallingOpenAIServer();
        await using var router = await StartAsync([("tooled", upstream)], "tooled");
        using var client = ClientOf(router);

        using var response = await client.PostAsJsonAsync("/v1/complete", WeatherRequest(new ToolChoice(ToolChoice.Function, "launch_rocket")), ContractsJsonContext.Default.CompletionRequest);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(upstream.Bodies);
    }

    [Fact]
    public void ToChatMessages_MapsToolTurnsToFunctionContents()
    {
        var messages = CompletionRouter.ToChatMessages(
        [
            new RouterMessage("assistant", "Checking.", ToolCalls: [new ToolCall("c1", "get_weather", """{"city":"Oslo"}""")]),
            new RouterMessage("tool", "rainy", ToolCallId: "c1"),
        ]);

        Assert.Equal(ChatRole.Assistant, messages[0].Role);
        Assert.Equal("Checking.", messages[0].Text);
        var call = Assert.Single(messages[0].Contents.OfType<FunctionCallContent>());
        Assert.Equal(("c1", "get_weather"), (call.CallId, call.Name));
        Assert.Equal("Oslo", ((JsonElement)call.Arguments!["city"]!).GetString());
        Assert.Equal(ChatRole.Tool, messages[1].Role);
        var result = Assert.Single(messages[1].Contents.OfType<FunctionResultContent>());
        Assert.Equal(("c1", "rainy"), (result.CallId, (string?)result.Result));
    }
}

/// <summary>
/// An OpenAI-compatible upstream whose model always calls <c>get_weather</c> for Paris: as one JSON message, or as a
/// stream whose arguments arrive in fragments. Records every request body.
/// </summary>
internal sealed class ToolCallingOpenAIServer : IFakeUpstream, IAsyncDisposable
{
    public const string CallId = "call_weather_1";

    private WebApplication? _app;
    private int _requests;

    public ConcurrentQueue<JsonElement> Bodies { get; } = new();

    public string Provider => "openai-compatible";

    public string Endpoint { get; private set; } = "";

    public Func<int, Fault> Script { get; set; } = _ => Fault.None;

    public int Requests => Volatile.Read(ref _requests);

    public async Task InitializeAsync()
    {
        (_app, var address) = await LoopbackServer.StartAsync(app => app.MapPost("/v1/chat/completions", HandleAsync));
        Endpoint = address + "/v1";
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var body = document.RootElement.Clone();
        Bodies.Enqueue(body);
        var usage = new { prompt_tokens = 30, completion_tokens = 9, total_tokens = 39 };
        if (!(body.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True))
        {
            await context.Response.WriteAsJsonAsync(new
            {
                id = "chatcmpl-tools",
                @object = "chat.completion",
                created = 1_700_000_000,
                model = "tool-model",
                choices = new[]
                {
                    new
                    {
                        index = 0,
                        message = new
                        {
                            role = "assistant",
                            content = (string?)null,
                            tool_calls = new[] { new { id = CallId, type = "function", function = new { name = "get_weather", arguments = """{"city":"Paris"}""" } } },
                        },
                        finish_reason = "tool_calls",
                    },
                },
                usage,
            }, context.RequestAborted);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        await WriteAsync(context, Chunk(new { role = "assistant", tool_calls = new object[] { new { index = 0, id = CallId, type = "function", function = new { name = "get_weather", arguments = "" } } } }, null));
        await WriteAsync(context, Chunk(new { tool_calls = new object[] { new { index = 0, function = new { arguments = """{"city":""" } } } }, null));
        await WriteAsync(context, Chunk(new { tool_calls = new object[] { new { index = 0, function = new { arguments = "\"Paris\"}" } } } }, null));
        await WriteAsync(context, Chunk(new { }, "tool_calls"));
        await WriteAsync(context, new { id = "chatcmpl-tools", @object = "chat.completion.chunk", created = 1_700_000_000, model = "tool-model", choices = Array.Empty<object>(), usage });
        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
    }

    private static object Chunk(object delta, string? finishReason) => new
    {
        id = "chatcmpl-tools",
        @object = "chat.completion.chunk",
        created = 1_700_000_000,
        model = "tool-model",
        choices = new[] { new { index = 0, delta, finish_reason = finishReason } },
    };

    private static async Task WriteAsync(HttpContext context, object chunk)
    {
        await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(chunk) + "\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
