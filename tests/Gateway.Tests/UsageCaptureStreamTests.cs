using System.Text;
using AiAspire.Gateway.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace AiAspire.Gateway.Tests;

/// <summary>The response scanner: it passes every byte through and finds the usage however the stream is cut into writes.</summary>
public sealed class UsageCaptureStreamTests
{
    private const string Stream =
        "data: {\"choices\":[{\"delta\":{\"content\":\"the word \\\"usage\\\" in text\"}}],\"usage\":null}\r\n\r\n" +
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":5,\"total_tokens\":12}}\n\n" +
        ": aiaspire-usage {\"prompt_tokens\":7,\"completion_tokens\":6,\"total_tokens\":13,\"cost_usd\":0.000125}\n\n" +
        "data: [DONE]\n\n";

    [Fact]
    public async Task EventStream_SplitAtAnyByte_PassesThroughUntouched_AndReportsTokensCostAndCompletion()
    {
        var bytes = Encoding.UTF8.GetBytes(Stream);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var (capture, inner) = Capture("text/event-stream; charset=utf-8");

            await capture.WriteAsync(bytes.AsMemory(0, split));
            await capture.WriteAsync(bytes.AsMemory(split));

            Assert.Equal(bytes, inner.ToArray());
            Assert.True(capture.IsEventStream);
            Assert.Equal(13, capture.TotalTokens());
            Assert.Equal(0.000125m, capture.StreamCostUsd);
            Assert.True(capture.StreamCompleted, $"split at {split}");
        }
    }

    [Fact]
    public async Task EventStream_CutBeforeItsEnd_IsNotCompleted_AndReportsOnlyWhatArrived()
    {
        var (capture, _) = Capture("text/event-stream");
        var cut = Stream[..Stream.IndexOf(": aiaspire-usage", StringComparison.Ordinal)];

        foreach (var piece in cut.Chunk(7))
        {
            await capture.WriteAsync(Encoding.UTF8.GetBytes(piece));
        }

        Assert.Equal(12, capture.TotalTokens());
        Assert.Null(capture.StreamCostUsd);
        Assert.False(capture.StreamCompleted);
    }

    [Fact]
    public async Task EventStream_AnOverlongLine_IsSkipped_WithoutLosingTheLinesAfterIt()
    {
        var (capture, inner) = Capture("text/event-stream");
        var huge = "data: {\"choices\":[{\"delta\":{\"content\":\"" + new string('x', UsageCaptureStream.MaxLineLength * 2) + "\"}}]}\n\n";

        foreach (var piece in (huge + Stream).Chunk(4096))
        {
            await capture.WriteAsync(Encoding.UTF8.GetBytes(piece));
        }

        Assert.Equal(Encoding.UTF8.GetByteCount(huge + Stream), inner.Length);
        Assert.Equal(13, capture.TotalTokens());
        Assert.True(capture.StreamCompleted);
    }

    [Fact]
    public async Task ChatStream_DoneEvent_ReportsTokensAndCost_ButDeltaEventsDoNot()
    {
        var (capture, _) = Capture("text/event-stream");
        const string chat =
            "event: delta\ndata: {\"text\":\"costUsd promptTokens\"}\n\n" +
            "event: delta\ndata: {\"promptTokens\":999,\"costUsd\":9}\n\n" +
            "event: done\ndata: {\"conversationId\":\"c\",\"promptTokens\":30,\"completionTokens\":12,\"costUsd\":0.0004,\"cache\":\"miss\"}\n\n";

        foreach (var piece in chat.Chunk(5))
        {
            await capture.WriteAsync(Encoding.UTF8.GetBytes(piece));
        }

        Assert.Equal(42, capture.TotalTokens());
        Assert.Equal(0.0004m, capture.StreamCostUsd);
        Assert.True(capture.StreamCompleted);
    }

    [Theory]
    [InlineData("application/json", true, 42L)]
    [InlineData("application/json", false, null)]
    [InlineData("text/plain", true, null)]
    public async Task JsonBody_IsReadOnlyWhenAsked(string contentType, bool captureJson, long? expected)
    {
        var (capture, _) = Capture(contentType, captureJson);

        await capture.WriteAsync("{\"id\":\"x\",\"usage\":{\"total_tokens\":42}}"u8.ToArray());

        Assert.Equal(expected, capture.TotalTokens());
        Assert.False(capture.IsEventStream);
    }

    private static (UsageCaptureStream Capture, MemoryStream Inner) Capture(string contentType, bool captureJson = true)
    {
        var context = new DefaultHttpContext();
        context.Response.ContentType = contentType;
        var inner = new MemoryStream();
        return (new UsageCaptureStream(inner, context.Response, captureJson), inner);
    }
}
