using System.Net;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Tests.Api;
using AiAspire.Orchestrator.Tests.Caching;
using AiAspire.Orchestrator.Tests.Fakes;

namespace AiAspire.Orchestrator.Tests.Tools;

/// <summary>tools, tool_choice and a tool-result turn reach the router in its contract, masked like any other text.</summary>
[Collection(ScriptedCollection.Name)]
public sealed class ToolRequestsTests
{
    private readonly ScriptedApp _app;

    public ToolRequestsTests(ScriptedApp app)
    {
        _app = app;
        app.Reset();
    }

    [Fact]
    public async Task ToolsAndAToolResultTurn_ReachTheRouter_NeedingTheToolsCapability()
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());
        var json = """
            {
              "model": "default",
              "messages": [
                {"role": "user", "content": "Email EMAIL the weather in Oslo"},
                {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}}]},
                {"role": "tool", "tool_call_id": "c1", "content": "rainy"}
              ],
              "tools": [
                {"type": "function", "function": {"name": "get_weather", "description": "Weather now", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}},
                {"type": "function", "function": {"name": "send_email"}}
              ],
              "tool_choice": {"type": "function", "function": {"name": "send_email"}}
            }
            """.Replace("EMAIL", FakeGuardrailService.Email, StringComparison.Ordinal);

        var response = await Chat.PostAsync(client, json);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var sent = Assert.Single(_app.Router.Requests);
        Assert.Equal(["get_weather", "send_email"], sent.Tools!.Select(t => t.Name));
        Assert.Equal("string", sent.Tools![0].Parameters!.Value.GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        Assert.Equal(new ToolChoice(ToolChoice.Function, "send_email"), sent.ToolChoice);
        Assert.Contains("tools", sent.Capabilities!);
        Assert.Equal(["user", "assistant", "tool"], sent.Messages.Select(m => m.Role));
        Assert.Equal($"Email {FakeGuardrailService.Placeholder} the weather in Oslo", sent.Messages[0].Content);
        Assert.Equal(new ToolCall("c1", "get_weather", """{"city":"Oslo"}"""), Assert.Single(sent.Messages[1].ToolCalls!));
        Assert.Equal("c1", sent.Messages[2].ToolCallId);
    }

    [Fact]
    public async Task ToolCallArguments_HoldingAMaskedValue_AreRestoredForTheCaller()
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());
        _app.Router.Deltas = [];
        _app.Router.ToolCalls = [new ToolCall("c2", "send_email", $$"""{"to":"{{FakeGuardrailService.Placeholder}}"}""")];
        var json = """
            {"model": "default", "messages": [{"role": "user", "content": "Email EMAIL"}],
             "tools": [{"type": "function", "function": {"name": "send_email"}}]}
            """.Replace("EMAIL", FakeGuardrailService.Email, StringComparison.Ordinal);

        var response = await Chat.PostAsync(client, json);

        var call = (await Chat.JsonAsync(response)).GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal($$"""{"to":"{{FakeGuardrailService.Email}}"}""", call.GetProperty("function").GetProperty("arguments").GetString());
    }
}
