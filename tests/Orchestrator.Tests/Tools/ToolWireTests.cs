using System.Text.Json;
using AiAspire.Contracts.OpenAI;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Api;
using AiAspire.Orchestrator.Clients;

namespace AiAspire.Orchestrator.Tests.Tools;

/// <summary>OpenAI's tools, tool_choice, assistant tool_calls and tool messages, read into the router's contract.</summary>
public sealed class ToolWireTests
{
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private const string WeatherTool =
        """[{"type":"function","function":{"name":"get_weather","description":"Weather now","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]""";

    [Fact]
    public void Parse_FunctionToolsAndANamedChoice()
    {
        var (tools, choice, error) = ToolWire.Parse(Json(WeatherTool), Json("""{"type":"function","function":{"name":"get_weather"}}"""));

        Assert.Null(error);
        var tool = Assert.Single(tools!);
        Assert.Equal(("get_weather", "Weather now"), (tool.Name, tool.Description));
        Assert.Equal("string", tool.Parameters!.Value.GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        Assert.Equal(new ToolChoice(ToolChoice.Function, "get_weather"), choice);
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("none")]
    [InlineData("required")]
    public void Parse_ChoiceModes(string mode)
    {
        var (_, choice, error) = ToolWire.Parse(Json(WeatherTool), Json($"\"{mode}\""));

        Assert.Null(error);
        Assert.Equal(new ToolChoice(mode), choice);
    }

    [Fact]
    public void Parse_Nothing_IsNoTools()
    {
        Assert.Equal((null, null, null), ToolWire.Parse(null, null));
        Assert.Equal((null, null, null), ToolWire.Parse(Json("null"), Json("null")));
    }

    [Theory]
    [InlineData("{}", null, "tools must be an array")]
    [InlineData("[]", null, "tools must be an array")]
    [InlineData("""[{"type":"retrieval"}]""", null, "tools[0] must be")]
    [InlineData("""[{"type":"function","function":{"name":"has space"}}]""", null, "tools[0].function.name")]
    [InlineData("""[{"type":"function","function":{"name":"f","parameters":"x"}}]""", null, "parameters must be a JSON schema object")]
    [InlineData("""[{"type":"function","function":{"name":"f"}},{"type":"function","function":{"name":"f"}}]""", null, "declared twice")]
    [InlineData(WeatherTool, "\"sometimes\"", "tool_choice must be")]
    [InlineData(WeatherTool, """{"type":"function","function":{"name":"other"}}""", "which tools does not declare")]
    [InlineData(null, "\"required\"", "tool_choice needs tools")]
    public void Parse_Malformed_SaysWhatIsWrong(string? tools, string? choice, string expected)
    {
        var (_, _, error) = ToolWire.Parse(tools is null ? null : Json(tools), choice is null ? null : Json(choice));

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ToolMessageOf_ReadsAssistantCallsAndToolResults()
    {
        var assistant = new ChatMessage
        {
            Role = "assistant",
            ToolCalls = Json("""[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}}]"""),
        };
        var tool = new ChatMessage { Role = "tool", ToolCallId = "c1", Content = Json("\"rainy\"") };

        var (call, callError) = ToolWire.ToolMessageOf(assistant, 1);
        var (result, resultError) = ToolWire.ToolMessageOf(tool, 2);

        Assert.Null(callError);
        Assert.Null(resultError);
        Assert.Equal("assistant", call!.Role);
        Assert.Equal(new ToolCall("c1", "get_weather", """{"city":"Oslo"}"""), Assert.Single(call.ToolCalls!));
        Assert.Equal(new RouterMessage("tool", "rainy", ToolCallId: "c1"), result);
    }

    [Fact]
    public void ToolMessageOf_ToolMessageWithoutCallId_IsAnError()
    {
        var (message, error) = ToolWire.ToolMessageOf(new ChatMessage { Role = "tool", Content = Json("\"x\"") }, 3);

        Assert.Null(message);
        Assert.Equal("messages[3]: a tool message needs tool_call_id.", error);
    }

    [Fact]
    public void ToolMessageOf_PlainMessage_IsNotItsBusiness()
    {
        Assert.Equal((null, null), ToolWire.ToolMessageOf(new ChatMessage { Role = "user", Content = Json("\"hi\"") }, 0));
    }

    [Fact]
    public void RouterRequest_WithTools_NeedsTheToolsCapability()
    {
        var plain = new CompletionRequest([new RouterMessage("user", "hi")]);
        var withTools = plain with { Tools = [new ToolDefinition("f")], Capabilities = ["vision"] };

        Assert.Null(RouterClient.WithNeeds(plain).Capabilities);
        Assert.Equal(["vision", "tools"], RouterClient.WithNeeds(withTools).Capabilities);
        Assert.Equal(["vision", "tools"], RouterClient.WithNeeds(RouterClient.WithNeeds(withTools)).Capabilities);
    }
}
