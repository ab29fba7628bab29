using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Caching;

namespace AiAspire.Orchestrator.Tests.Caching;

public sealed class SemanticCacheUnitTests
{
    [Theory]
    [InlineData("  How do I   get a REFUND?  ", "how do i get a refund")]
    [InlineData("Write to <EMAIL_1>!", "write to <email_1>")]
    [InlineData("?!", "")]
    public void Normalize_LowersCase_CollapsesSpaces_DropsTrailingPunctuation(string question, string expected) =>
        Assert.Equal(expected, SemanticCache.Normalize(question));

    [Theory]
    [InlineData("how do i get a refund", "how can i obtain a refund", true)]
    [InlineData("revenue in 2023", "revenue in 2024", false)]
    [InlineData("revenue in 2023 and 2024", "revenue in 2024 and 2023", true)]
    [InlineData("can i return opened items", "can i not return opened items", false)]
    [InlineData("can i return opened items", "can't i return opened items", false)]
    [InlineData("write to <email_1>", "write to <phone_1>", false)]
    public void SameQuestion_DiffersOnNumbersNegationsAndPlaceholders(string a, string b, bool same) =>
        Assert.Equal(same, SemanticCache.SameQuestion(a, b));

    [Fact]
    public void Dot_OfUnitVectors_IsTheirCosine_AtAnyLength()
    {
        var a = Enumerable.Range(0, 37).Select(i => (float)Math.Sin(i)).ToArray();
        var b = Enumerable.Range(0, 37).Select(i => (float)Math.Cos(i * 0.5)).ToArray();
        var expected = a.Zip(b).Sum(p => (double)p.First * p.Second) / Math.Sqrt(a.Sum(x => (double)x * x) * b.Sum(x => (double)x * x));

        Assert.Equal(expected, SemanticCache.Dot(SemanticCache.Unit(a), SemanticCache.Unit(b)), 5);
        Assert.Equal(1.0, SemanticCache.Dot(SemanticCache.Unit(a), SemanticCache.Unit(a)), 5);
    }

    [Fact]
    public async Task Replay_StreamsTheCompletion_InPiecesThatJoinToIt_ThenDoneAtNoCost()
    {
        var text = new string('x', CachingInferStep.ReplayPieceLength * 2) + "😀 tail";
        var route = new RouteDecision("default", "d", "m", "p", "priority", []);
        var completion = new CompletionResponse(text, "stop", route, new TokenUsage(3, 4), 0.5m, [new ToolCall("c", "f", "{}")]);

        var events = new List<CompletionStreamEvent>();
        await foreach (var @event in CachingInferStep.Replay(completion))
        {
            events.Add(@event);
        }

        Assert.Equal(CompletionStreamEvent.Start, events[0].Type);
        Assert.Equal(route, events[0].Route);
        var deltas = events.Where(e => e.Type == CompletionStreamEvent.Delta).ToList();
        Assert.True(deltas.Count(d => d.Text is not null) > 2);
        Assert.Equal(text, string.Concat(deltas.Select(d => d.Text)));
        Assert.All(deltas.Where(d => d.Text is not null), d => Assert.False(char.IsHighSurrogate(d.Text![^1])));
        Assert.Equal(completion.ToolCalls, deltas.Single(d => d.ToolCalls is not null).ToolCalls);
        Assert.Equal(new CompletionStreamEvent(CompletionStreamEvent.Done, FinishReason: "stop", Route: route, Usage: new TokenUsage(3, 4), CostUsd: 0m), events[^1]);
    }
}
