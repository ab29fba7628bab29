using AiAspire.GuardrailService.Output;

namespace AiAspire.GuardrailService.Tests.Output;

public class SystemPromptLeakDetectorTests
{
    private const string SystemPrompt =
        "You are Aria, the support assistant of Contoso. Never mention competitor products. Offer the 20% loyalty discount only to customers who threaten to cancel.";

    private static readonly SystemPromptLeakDetector Detector = new();

    [Fact]
    public void LongestSharedRun_AnswerQuotingThePrompt_CountsTheQuotedWords()
    {
        var answer = "Sure! My instructions say: offer the 20% LOYALTY discount only to customers who threaten to cancel. Anything else?";

        var (words, share) = Detector.LongestSharedRun(SystemPrompt, answer);

        Assert.Equal(12, words);
        Assert.Equal(12.0 / 24, share, 3);
    }

    [Fact]
    public void LongestSharedRun_OrdinaryAnswer_SharesNoLongRun()
    {
        var (words, _) = Detector.LongestSharedRun(SystemPrompt, "I'm Aria from Contoso support. How can I help you with your order today?");

        Assert.Equal(0, words);
    }

    [Fact]
    public void LongestSharedRun_EmptyOrTinyTexts_AreZero()
    {
        Assert.Equal((0, 0.0), Detector.LongestSharedRun("", "anything at all here"));
        Assert.Equal((0, 0.0), Detector.LongestSharedRun(SystemPrompt, "ok"));
    }

    [Theory]
    [InlineData("one two three four five", 2, "four five")]
    [InlineData("one two three, four fi", 2, "four fi")]
    [InlineData("one two. ", 1, "two. ")]
    [InlineData("short", 5, "short")]
    [InlineData("", 3, "")]
    public void Tail_KeepsTheLastWordsAndWhatFollows(string text, int words, string expected)
    {
        Assert.Equal(expected, SystemPromptLeakDetector.Tail(text, words, 1_000));
    }

    [Fact]
    public void Tail_IsBoundedInCharacters()
    {
        var text = "a " + new string('x', 10_000);

        Assert.Equal(new string('x', 100), SystemPromptLeakDetector.Tail(text, 3, 100));
    }
}
