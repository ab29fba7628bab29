using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.OpenAI;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Pipeline;
using AiAspire.Orchestrator.Pipeline.Steps;
using Microsoft.AspNetCore.Http;

namespace AiAspire.Orchestrator.Tests.Pipeline;

public sealed class ValidateStepTests
{
    private static async Task<PipelineContext> ValidateAsync(string requestJson, PipelineOptions? limits = null)
    {
        var request = JsonSerializer.Deserialize(requestJson, OpenAIJsonContext.Default.ChatCompletionRequest)!;
        var context = new PipelineContext("chatcmpl-test", "tenant-a", request) { Settings = (limits ?? new PipelineOptions()).Resolve("tenant-a", null) };
        var step = new ValidateStep();
        await step.ExecuteAsync(context, CancellationToken.None);
        return context;
    }

    public static TheoryData<string, string> Rejections => new()
    {
        { """{"model":"m"}""", "messages must hold at least one message" },
        { """{"messages":[]}""", "messages must hold at least one message" },
        { """{"messages":[{"role":"wizard","content":"hi"}]}""", "messages[0].role must be one of: system, developer, user, assistant, tool" },
        { """{"messages":[{"role":"user","content":"hi"},{"content":"no role"}]}""", "messages[1].role must be one of" },
        { """{"messages":[{"role":"user","content":"hi"},{"role":"tool","content":"42"}]}""", "messages[1]: a tool message needs tool_call_id" },
        { """{"messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"c1"}]}]}""", "messages[1].tool_calls[0] must be" },
        { """{"messages":[{"role":"user","content":"hi"}],"tools":{"type":"function"}}""", "tools must be an array" },
        { """{"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{}}]}""", "tools[0].function.name" },
        { """{"messages":[{"role":"user","content":"hi"}],"tool_choice":"auto"}""", "tool_choice needs tools" },
        { """{"messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", "max_tokens / max_completion_tokens must be between 1 and 1000000" },
        { """{"messages":[{"role":"user","content":"hi"}],"max_completion_tokens":1000001}""", "max_tokens / max_completion_tokens must be between 1 and 1000000" },
        { """{"messages":[{"role":"user","content":"hi"}],"max_tokens":100,"max_completion_tokens":0}""", "max_tokens / max_completion_tokens must be between 1 and 1000000" },
        { """{"messages":[{"role":"user","content":"hi"}],"max_tokens":-5,"max_completion_tokens":100}""", "max_tokens / max_completion_tokens must be between 1 and 1000000" },
        { """{"messages":[{"role":"user","content":"hi"}],"temperature":3}""", "temperature must be within 0..2" },
        { """{"messages":[{"role":"user","content":"hi"}],"top_p":1.5}""", "top_p within 0..1" },
        { """{"messages":[{"role":"user","content":"hi"}],"stop":["a","b","c","d","e"]}""", "stop must be a string or an array of at most 4 strings" },
        { """{"messages":[{"role":"user","content":"hi"}],"stop":5}""", "stop must be a string or an array of at most 4 strings" },
        { """{"messages":[{"role":"user","content":"hi"}],"stop":["a",1]}""", "stop must be a string or an array of at most 4 strings" },
        { """{"messages":[{"role":"user","content":"hi"}],"response_format":"json"}""", "response_format must be an object" },
        { """{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"http://127.0.0.1/cat.png"}}]}]}""", "messages[0].content may only hold text parts" },
        { """{"messages":[{"role":"user","content":[{"type":"text","text":"see"},{"type":"input_audio","input_audio":{}}]}]}""", "messages[0].content may only hold text parts" },
        { """{"messages":[{"role":"user","content":42}]}""", "messages[0].content must be a string or an array of content parts" },
        { """{"messages":[{"role":"user"}]}""", "messages[0].content must be a string or an array of content parts" },
        { """{"messages":[{"role":"system","content":"be brief"},{"role":"assistant","content":"ok"}]}""", "messages must include at least one user message" },
        { $$"""{"model":"{{new string('m', 129)}}","messages":[{"role":"user","content":"hi"}]}""", "model must be at most 128 characters" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task Execute_UnservableRequest_Sets400ValidationProblemSayingWhy(string requestJson, string expectedDetail)
    {
        var context = await ValidateAsync(requestJson);

        var problem = Assert.IsType<Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>(context.Problem);
        Assert.Equal(StatusCodes.Status400BadRequest, problem.StatusCode);
        Assert.Equal(ProblemTypes.Validation, problem.ProblemDetails.Type);
        Assert.Contains(expectedDetail, problem.ProblemDetails.Detail);
        Assert.Equal("error", context.Status);
        Assert.Empty(context.Messages);
    }

    [Fact]
    public async Task Execute_MoreCharactersThanAllowed_Sets400WithTheCountAndTheLimit()
    {
        var context = await ValidateAsync(
            """{"messages":[{"role":"system","content":"12345"},{"role":"user","content":"123456"}]}""",
            new PipelineOptions { MaxCharacters = 10 });

        Assert.Equal(StatusCodes.Status400BadRequest, context.Problem?.StatusCode);
        Assert.Equal("The messages hold 11 characters; at most 10 are accepted.", context.Problem?.ProblemDetails.Detail);
    }

    [Fact]
    public async Task Execute_MoreMessagesThanAllowed_Sets400WithTheLimit()
    {
        var context = await ValidateAsync(
            """{"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"},{"role":"user","content":"c"}]}""",
            new PipelineOptions { MaxMessages = 2 });

        Assert.Equal(StatusCodes.Status400BadRequest, context.Problem?.StatusCode);
        Assert.Contains("at most 2 messages", context.Problem?.ProblemDetails.Detail);
    }

    [Fact]
    public async Task Execute_ExactlyAtTheLimits_Passes()
    {
        var context = await ValidateAsync(
            """{"messages":[{"role":"system","content":"12345"},{"role":"user","content":"12345"}]}""",
            new PipelineOptions { MaxCharacters = 10, MaxMessages = 2 });

        Assert.Null(context.Problem);
    }

    [Fact]
    public async Task Execute_ValidRequest_BuildsTheWorkingMessagesWithTextPartsJoined()
    {
        var context = await ValidateAsync("""
            {
              "model": "default",
              "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "developer", "content": [{"type": "text", "text": "Cite sources."}]},
                {"role": "user", "content": [{"type": "text", "text": "first part"}, {"type": "text", "text": "second part"}]},
                {"role": "assistant", "content": "An earlier answer."},
                {"role": "user", "content": "And now?"}
              ],
              "max_tokens": 100,
              "temperature": 2,
              "top_p": 0,
              "stop": ["\n\n", "END", "x", "y"],
              "response_format": {"type": "json_object"},
              "tools": null
            }
            """);

        Assert.Null(context.Problem);
        Assert.Equal("ok", context.Status);
        Assert.Equal(
            [new RouterMessage("system", "Be brief."),
             new RouterMessage("developer", "Cite sources."),
             new RouterMessage("user", "first part\nsecond part"),
             new RouterMessage("assistant", "An earlier answer."),
             new RouterMessage("user", "And now?")],
            context.Messages);
    }

    [Fact]
    public async Task Execute_ToolTurns_KeepTheirCallsAndCallIds()
    {
        var context = await ValidateAsync("""
            {
              "messages": [
                {"role": "user", "content": "Weather in Oslo?"},
                {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}}]},
                {"role": "tool", "tool_call_id": "c1", "content": "rainy"}
              ],
              "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}],
              "tool_choice": "auto"
            }
            """);

        Assert.Null(context.Problem);
        Assert.Equal(
            [new RouterMessage("user", "Weather in Oslo?"),
             new RouterMessage("assistant", "", ToolCalls: [new ToolCall("c1", "get_weather", "{\"city\":\"Oslo\"}")]),
             new RouterMessage("tool", "rainy", ToolCallId: "c1")],
            context.Messages,
            new RouterMessageComparer());
    }

    /// <summary>Records compare lists by reference; tool calls are compared by value here.</summary>
    private sealed class RouterMessageComparer : IEqualityComparer<RouterMessage>
    {
        public bool Equals(RouterMessage? x, RouterMessage? y) =>
            x is not null && y is not null && x with { ToolCalls = null } == y with { ToolCalls = null }
            && (x.ToolCalls ?? []).SequenceEqual(y.ToolCalls ?? []);

        public int GetHashCode(RouterMessage obj) => HashCode.Combine(obj.Role, obj.Content, obj.ToolCallId);
    }

    [Theory]
    [InlineData(null, new string[0])]
    [InlineData("\"END\"", new[] { "END" })]
    [InlineData("[\"a\",\"b\"]", new[] { "a", "b" })]
    [InlineData("null", new string[0])]
    public void StopSequences_WellFormed_AreReadAsAList(string? stopJson, string[] expected)
    {
        JsonElement? stop = stopJson is null ? null : JsonDocument.Parse(stopJson).RootElement;

        Assert.Equal(expected, ValidateStep.StopSequences(stop));
    }
}
