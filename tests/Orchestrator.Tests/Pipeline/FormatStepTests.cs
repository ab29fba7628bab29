using System.Text.Json;
using AiAspire.Contracts.OpenAI;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Pipeline;
using AiAspire.Orchestrator.Pipeline.Steps;

namespace AiAspire.Orchestrator.Tests.Pipeline;

/// <summary>The format step holds the caller's stop sequences whatever the provider did with them.</summary>
public sealed class FormatStepTests
{
    private static readonly RouteDecision Route = new("default", "d", "m", "p", "priority", []);

    private static PipelineContext Context(string stopJson, bool stream = false, string format = "null")
    {
        var request = JsonSerializer.Deserialize(
            $$"""{"messages":[{"role":"user","content":"hi"}],"stop":{{stopJson}},"stream":{{(stream ? "true" : "false")}},"response_format":{{format}}}""",
            OpenAIJsonContext.Default.ChatCompletionRequest)!;
        return new PipelineContext("chatcmpl-test", "tenant-a", request);
    }

    private static async IAsyncEnumerable<CompletionStreamEvent> Stream(params string[] deltas)
    {
        yield return new CompletionStreamEvent(CompletionStreamEvent.Start, Route: Route);
        foreach (var delta in deltas)
        {
            await Task.Yield();
            yield return new CompletionStreamEvent(CompletionStreamEvent.Delta, Text: delta);
        }
        yield return new CompletionStreamEvent(CompletionStreamEvent.Done, FinishReason: "length", Route: Route, Usage: new TokenUsage(5, 9), CostUsd: 0.01m);
    }

    private static async Task<List<CompletionStreamEvent>> RunStreamAsync(PipelineContext context, params string[] deltas)
    {
        // As the infer step does, the masked answer is what the model streamed.
        context.MaskedAnswer.Append(string.Concat(deltas));
        context.Events = Stream(deltas);
        await new FormatStep().ExecuteAsync(context, CancellationToken.None);
        var events = new List<CompletionStreamEvent>();
        await foreach (var @event in context.Events!)
        {
            events.Add(@event);
        }
        return events;
    }

    private static string TextOf(IEnumerable<CompletionStreamEvent> events) =>
        string.Concat(events.Where(e => e.Type == CompletionStreamEvent.Delta).Select(e => e.Text));

    [Fact]
    public async Task Completion_ThatIgnoredTheStopSequence_IsCutBeforeIt_AndFinishesWithStop()
    {
        var context = Context("""["END","###"]""");
        context.Completion = new CompletionResponse("Answer <EMAIL_1> here.### more END even more", "length", Route, new TokenUsage(1, 2), 0m);
        context.MaskedAnswer.Append("Answer <EMAIL_1> here.### more END even more");

        await new FormatStep().ExecuteAsync(context, CancellationToken.None);

        Assert.Equal(("Answer <EMAIL_1> here.", "stop"), (context.Completion.Text, context.Completion.FinishReason));
        Assert.Equal("Answer <EMAIL_1> here.", context.MaskedAnswer.ToString());
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"\"")]
    [InlineData("\"NOT-THERE\"")]
    public async Task Completion_WithoutAStopSequenceInIt_IsLeftAsItIs(string stop)
    {
        var context = Context(stop);
        var completion = new CompletionResponse("A whole answer.  ", "length", Route, new TokenUsage(1, 2), 0m);
        context.Completion = completion;
        context.MaskedAnswer.Append(completion.Text);

        await new FormatStep().ExecuteAsync(context, CancellationToken.None);

        Assert.Same(completion, context.Completion);
        Assert.Equal("A whole answer.  ", context.MaskedAnswer.ToString());
    }

    private static async Task<PipelineContext> FormatJsonAsync(string answer, string format = """{"type":"json_object"}""")
    {
        var context = Context("null", format: format);
        context.Completion = new CompletionResponse(answer, "stop", Route, new TokenUsage(1, 2), 0m);
        context.MaskedAnswer.Append(answer);
        await new FormatStep().ExecuteAsync(context, CancellationToken.None);
        return context;
    }

    [Theory]
    [InlineData("```json\n{\"a\": 1}\n```")]
    [InlineData("  ```\n{\"a\": 1}\n```\n")]
    [InlineData("\n{\"a\": 1}  ")]
    public async Task JsonObject_AnObjectInACodeFenceOrWhiteSpace_IsUnwrapped_InTheAnswerAndTheMaskedAnswer(string answer)
    {
        var context = await FormatJsonAsync(answer);

        Assert.Null(context.Problem);
        Assert.Equal("""{"a": 1}""", context.Completion!.Text);
        Assert.Equal("""{"a": 1}""", context.MaskedAnswer.ToString());
    }

    [Fact]
    public async Task JsonObject_AnObjectAsItShouldBe_IsLeftAlone()
    {
        var context = await FormatJsonAsync("""{"name":"<PERSON_1>","n":[1,2]}""");

        Assert.Null(context.Problem);
        Assert.Equal("""{"name":"<PERSON_1>","n":[1,2]}""", context.Completion!.Text);
    }

    [Theory]
    [InlineData("Sure! Here is the JSON you asked for.")]
    [InlineData("[1, 2, 3]")]
    [InlineData("```json\n{\"a\": \n```")]
    public async Task JsonObject_AnAnswerThatIsNoJsonObject_Is502_NotASilentlyInvalidAnswer(string answer)
    {
        var context = await FormatJsonAsync(answer);

        Assert.Equal(502, context.Problem?.StatusCode);
        Assert.Equal(Contracts.ProblemTypes.UpstreamFailed, context.Problem!.ProblemDetails.Type);
        Assert.Equal("error", context.Status);
    }

    [Fact]
    public async Task TextAnswer_WithoutJsonObjectFormat_IsNotParsed()
    {
        var context = await FormatJsonAsync("```json\n{}\n```", format: """{"type":"text"}""");

        Assert.Null(context.Problem);
        Assert.Equal("```json\n{}\n```", context.Completion!.Text);
    }

    [Fact]
    public async Task Stream_AStopSequenceSplitAcrossDeltas_IsCut_TheRestIsNotSent_AndDoneKeepsTheUsage()
    {
        var context = Context("\"STOP\"", stream: true);

        var events = await RunStreamAsync(context, "Hello wor", "ld, then ST", "OP and text after", " the stop.");

        Assert.Equal("Hello world, then ", TextOf(events));
        Assert.Equal(CompletionStreamEvent.Start, events[0].Type);
        var done = events[^1];
        Assert.Equal((CompletionStreamEvent.Done, "stop", 9), (done.Type, done.FinishReason, done.Usage!.OutputTokens));
        Assert.Equal("Hello world, then ", context.MaskedAnswer.ToString());
    }

    [Fact]
    public async Task Stream_TextThatOnlyBeginsLikeAStopSequence_IsAllSent_InOrder()
    {
        var context = Context("""["<STOP>"]""", stream: true);

        var events = await RunStreamAsync(context, "a <STO", "P is not <ST", "OP yet <STO");

        Assert.Equal("a <STOP is not <STOP yet <STO", TextOf(events));
        Assert.Equal("length", events[^1].FinishReason);
        Assert.Equal("a <STOP is not <STOP yet <STO", context.MaskedAnswer.ToString());
    }

    [Fact]
    public async Task Stream_HoldsBackNoMoreThanCouldBeginAStopSequence()
    {
        var context = Context("\"XYZ\"", stream: true);

        var events = await RunStreamAsync(context, "abcdef", "gh");

        // A delta is released but for its last two characters (one less than "XYZ"); the end of the stream releases those.
        Assert.Equal(["abcd", "ef", "gh"], events.Where(e => e.Type == CompletionStreamEvent.Delta).Select(e => e.Text));
    }
}
