using AiAspire.RouterService.Offline;

namespace AiAspire.RouterService.Tests.Offline;

public sealed class TokenEstimatorTests
{
    [Theory]
    [InlineData(null, 0)]
    [InlineData("", 0)]
    [InlineData("a", 1)]
    [InlineData("abcd", 1)]
    [InlineData("abcde", 2)]
    [InlineData("You said: hello", 4)]
    public void Estimate_CountsAboutFourCharactersPerTokenRoundingUp(string? text, int tokens)
    {
        Assert.Equal(tokens, TokenEstimator.Estimate(text));
    }
}
