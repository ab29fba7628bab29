using AiAspire.Orchestrator.Streaming;

namespace AiAspire.Orchestrator.Tests.Streaming;

public sealed class PlaceholderSplitterTests
{
    [Theory]
    [InlineData("Write to <EMA", 9)]
    [InlineData("Write to <EMAIL_", 9)]
    [InlineData("Write to <EMAIL_1", 9)]
    [InlineData("Write to <", 9)]
    [InlineData("<", 0)]
    [InlineData("Hi <EMAIL_1> and <CREDIT_CA", 17)]
    public void SafeLength_TrailingPartialPlaceholder_IsHeldBack(string pending, int expected)
    {
        Assert.Equal(expected, PlaceholderSplitter.SafeLength(pending));
    }

    [Theory]
    [InlineData("")]
    [InlineData("no angle brackets at all")]
    [InlineData("a < b")]
    [InlineData("<EMAIL_1>")]
    [InlineData("Write to <EMAIL_1> today")]
    [InlineData("an <html> tag")]
    [InlineData("x <email")]
    public void SafeLength_NothingThatCouldBecomeAPlaceholder_ReleasesEverything(string pending)
    {
        Assert.Equal(pending.Length, PlaceholderSplitter.SafeLength(pending));
    }

    [Fact]
    public void SafeLength_OpeningBracketFartherThanTheLongestPlaceholder_ReleasesEverything()
    {
        var tooFar = "say <" + new string('A', PlaceholderSplitter.MaxPlaceholderLength);

        Assert.Equal(tooFar.Length, PlaceholderSplitter.SafeLength(tooFar));
    }

    [Fact]
    public void SafeLength_OpeningBracketExactlyAtTheLongestPlaceholder_IsStillHeldBack()
    {
        var atLimit = "say <" + new string('A', PlaceholderSplitter.MaxPlaceholderLength - 1);

        Assert.Equal(4, PlaceholderSplitter.SafeLength(atLimit));
    }

    [Theory]
    [InlineData("Write to <EMAIL_1>.")]
    [InlineData("<CREDIT_CARD_12>")]
    [InlineData("a <EMAIL_1> and a <PHONE_NUMBER_3>")]
    public void MayHoldPlaceholder_PlaceholderShapedText_IsTrue(string text)
    {
        Assert.True(PlaceholderSplitter.MayHoldPlaceholder(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain text")]
    [InlineData("a < b > c")]
    [InlineData("<EMAIL>")]
    [InlineData("<email_1>")]
    [InlineData("<EMAIL_1")]
    [InlineData("EMAIL_1>")]
    [InlineData("<_1>")]
    public void MayHoldPlaceholder_NoPlaceholderShape_IsFalse(string text)
    {
        Assert.False(PlaceholderSplitter.MayHoldPlaceholder(text));
    }
}
