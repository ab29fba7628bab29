using System.Net;
using System.Text.Json;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Tests.Api;
using AiAspire.Orchestrator.Tests.Caching;

namespace AiAspire.Orchestrator.Tests.Tools;

/// <summary>Tool calls a model makes come back to the caller in OpenAI's form: <c>message.tool_calls</c>, or <c>tool_calls</c> deltas.</summary>
[Collection(ScriptedCollection.Name)]
public sealed class ToolCallsTests
{
    private static readonly ToolCall Weather = new("call_1", "get_weather", """{"city":"Paris"}""");

    private readonly ScriptedApp _app;

    public ToolCallsTests(ScriptedApp app)
    {
        _app = app;
        app.Reset();
        app.Router.Deltas = [];
        app.Router.ToolCalls = [Weather];
    }

    [Fact]
    public async Task Completion_CarriesTheToolCalls_WithFinishReasonToolCalls_AndNoContent()
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());

        var response = await Chat.PostAsync(client, Chat.Request("Weather in Paris?"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var choice = (await Chat.JsonAsync(response)).GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var message = choice.GetProperty("message");
        Assert.False(message.TryGetProperty("content", out var content) && content.ValueKind != JsonValueKind.Null);
        var call = Assert.Single(message.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("call_1", call.GetProperty("id").GetString());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("""{"city":"Paris"}""", call.GetProperty("function").GetProperty("arguments").GetString());
    }

    [Fact]
    public async Task Stream_CarriesTheToolCallsAsADelta_ThenFinishReasonToolCalls()
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());

        var response = await Chat.PostAsync(client, Chat.Request("Weather in Paris?", stream: true));
        var data = Chat.DataOf(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[DONE]", data[^1]);
        var deltas = Ask.Chunks(data).Select(c => c.GetProperty("choices")[0]).ToList();
        var call = Assert.Single(deltas.Where(d => d.GetProperty("delta").TryGetProperty("tool_calls", out _))
            .SelectMany(d => d.GetProperty("delta").GetProperty("tool_calls").EnumerateArray()));
        Assert.Equal(0, call.GetProperty("index").GetInt32());
        Assert.Equal("call_1", call.GetProperty("id").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("""{"city":"Paris"}""", call.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("tool_calls", deltas[^1].GetProperty("finish_reason").GetString());
    }
}
