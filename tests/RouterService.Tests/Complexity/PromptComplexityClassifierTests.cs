using AiAspire.Contracts.Router;
using AiAspire.RouterService.Complexity;
using AiAspire.RouterService.Tests.Strategies;

namespace AiAspire.RouterService.Tests.Complexity;

public sealed class PromptComplexityClassifierTests
{
    private static readonly PromptComplexityClassifier Classifier = new();

    private static ComplexityScore Score(string prompt) => Classifier.Classify([new RouterMessage("user", prompt)]);

    private static ComplexityFeature Feature(ComplexityScore score, string name) => Assert.Single(score.Features, f => f.Name == name);

    [Theory]
    [InlineData(ComplexityStrategyTests.Easy)]
    [InlineData("Thanks!")]
    [InlineData("Translate 'good morning' into Spanish.")]
    [InlineData("How long do refunds take?")]
    public void Classify_ShortFactualPrompts_ScoreBelowTheDefaultThreshold(string prompt)
    {
        Assert.True(Score(prompt).Score < new AiAspire.RouterService.Routing.RouterOptions().ComplexityThreshold, $"{Score(prompt).Score}");
    }

    [Theory]
    [InlineData(ComplexityStrategyTests.Hard)]
    [InlineData("Prove that the sum 1 + 2 + ... + n = n(n+1)/2 by induction, then explain why the proof fails for negative n, and derive the closed form of the sum of squares.")]
    [InlineData("Design a rate limiter for a multi-region API. First analyze the trade-offs of token bucket versus sliding window, then compare their behaviour under bursts, and finally justify which you would choose. It must handle at least 10k requests/s. What fails first? What would you monitor?")]
    public void Classify_CodeMathOrMultiStepReasoning_ScoresAtOrAboveTheDefaultThreshold(string prompt)
    {
        Assert.True(Score(prompt).Score >= new AiAspire.RouterService.Routing.RouterOptions().ComplexityThreshold, $"{Score(prompt).Score}");
    }

    [Fact]
    public void Classify_EveryFeature_IsReportedWithValueWeightContributionAndWhatWasSeen()
    {
        var score = Score(ComplexityStrategyTests.Hard);

        Assert.Equal(["length", "code", "math", "reasoning", "multi-step", "questions", "constraints"], score.Features.Select(f => f.Name));
        Assert.Equal(1, score.Features.Sum(f => f.Weight), 6);
        Assert.All(score.Features, f => Assert.Equal(f.Value * f.Weight, f.Contribution, 3));
        Assert.Equal(score.Score, score.Features.Sum(f => f.Contribution), 3);
        Assert.Equal(1, Feature(score, "code").Value);
        Assert.Equal("4 reasoning words: explain, why, compare, derive", Feature(score, "reasoning").Detail);
    }

    [Fact]
    public void Classify_QuestionsBeyondTheFirst_RaiseTheQuestionFeature()
    {
        Assert.Equal(0, Feature(Score("Is it open?"), "questions").Value);
        Assert.Equal(1, Feature(Score("Is it open? When? Where? Who runs it?"), "questions").Value);
    }

    [Fact]
    public void Classify_LengthSaturates_AndAHugePromptIsScannedOnlyUpToTheBound()
    {
        var huge = Score(string.Concat(Enumerable.Repeat("why (x) { ", 100_000)));

        Assert.Equal(1, Feature(huge, "length").Value);
        Assert.InRange(huge.Score, 0, 1);
    }

    [Fact]
    public void Classify_ScoresTheLastUserMessage_NotTheSystemPromptOrEarlierTurns()
    {
        var score = Classifier.Classify(
        [
            new RouterMessage("system", ComplexityStrategyTests.Hard),
            new RouterMessage("user", ComplexityStrategyTests.Hard),
            new RouterMessage("assistant", "Here is the analysis…"),
            new RouterMessage("user", "Thanks!"),
        ]);

        Assert.Equal(Score("Thanks!"), score, (a, b) => a.Score == b.Score);
    }

    [Theory]
    [InlineData('x')]
    [InlineData('\n')]
    [InlineData('7')]
    [InlineData(' ')]
    public void Classify_LongRunsOfOneCharacter_FinishQuickly(char character)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();

        var score = Score(new string(character, 1_000_000));

        Assert.InRange(score.Score, 0, 1);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"{started.Elapsed}");
    }
}
