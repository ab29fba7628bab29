using AiAspire.GuardrailService.Pii;

namespace AiAspire.GuardrailService.Tests.Pii;

[Collection(ExclusiveCollection.Name)]
public class CreditCardRecognizerTests
{
    private static PiiFinding[] Recognize(string text) => new CreditCardRecognizer().Recognize(text).ToArray();

    private static string[] Found(string text) => Recognize(text).Select(f => text[f.Start..f.End]).ToArray();

    [Theory]
    [InlineData("4111111111111111")]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("4111-1111-1111-1111")]
    [InlineData("5555555555554444")]
    [InlineData("2223 0031 2200 3222")]
    [InlineData("3714 496353 98431")]
    [InlineData("30569309025904")]
    [InlineData("6011000400000000")]
    [InlineData("3528000700000000")]
    [InlineData("6759649826438453")]
    [InlineData("4222222222222")]
    [InlineData("6250941006528599")]
    public void Recognize_KnownNetworkNumber_MatchesWithHighScore(string number)
    {
        var text = $"Please charge {number}, thanks.";

        var finding = Assert.Single(Recognize(text));

        Assert.Equal(number, text[finding.Start..finding.End]);
        Assert.Equal(PiiTypes.CreditCard, finding.Type);
        Assert.Equal(CreditCardRecognizer.KnownNetworkScore, finding.Score);
    }

    [Theory]
    [InlineData("4111111111111112")]
    [InlineData("4111 1111 1111 1110")]
    [InlineData("4012-8888-8888-1882")]
    [InlineData("5555555555554445")]
    [InlineData("36168002586008")]
    [InlineData("371449635398432")]
    public void Recognize_LuhnInvalidNumber_NeverMatches(string number)
    {
        Assert.Empty(Found(number));
        Assert.Empty(Found($"my card number is {number}"));
    }

    [Theory]
    [InlineData("411111111117")]
    [InlineData("4111 1111 1117")]
    [InlineData("41111111111111111115")]
    public void Recognize_WrongLength_FindsNothing(string number)
    {
        Assert.True(Luhn.IsValid(number.Replace(" ", "")), "the near miss should differ only in length");
        Assert.Empty(Found(number));
    }

    [Theory]
    [InlineData("card4111111111111111")]
    [InlineData("4111111111111111abc")]
    [InlineData("4111_1111_1111_1111")]
    [InlineData("4111  1111  1111  1111")]
    [InlineData("4111 1111-1111 1111")]
    [InlineData("41 11 11 11 11 11 11 11")]
    [InlineData("0.4111111111111111")]
    [InlineData("IBAN RS35 2600 0560 1001 6113 79")]
    [InlineData("ref AB12 4111 1111 1111 1111")]
    [InlineData("abc4111 1111 1111 1111 1111")]
    [InlineData("4111111111111.111")]
    public void Recognize_NumberNotWrittenAsACard_FindsNothing(string text) =>
        Assert.Empty(Found(text));

    [Theory]
    [InlineData("1748503543012")]
    [InlineData("411111111111116")]
    [InlineData("7000 0000 0000 0005")]
    public void Recognize_NoNetworkIssuesThisPrefixAndLength_MatchesBelowTheDefaultThreshold(string number)
    {
        // 1748503543012 is a Unix time in milliseconds; Visa issues 13, 16 and 19 digits, not 15; no network uses 7.
        var finding = Assert.Single(Recognize(number));

        Assert.Equal(CreditCardRecognizer.UnknownNetworkScore, finding.Score);
        Assert.True(finding.Score < new PiiOptions().MinScore);
        Assert.Empty(Analyzers.Default().Analyze(number));
    }

    [Fact]
    public void Recognize_CardsSeparatedBySpaces_AreSeparateFindings()
    {
        const string text = "4012888888881881 4012-8888-8888-1881 4012 8888 8888 1881";

        Assert.Equal(["4012888888881881", "4012-8888-8888-1881", "4012 8888 8888 1881"], Found(text));
    }

    [Theory]
    [InlineData("Visa 4111 1111 1111 1111")]
    [InlineData("card no. 2 - 4111-1111-1111-1111")]
    public void Recognize_CardAfterAWordOrNumber_IsStillFound(string text) =>
        Assert.Single(Found(text));

    [Fact]
    public void Recognize_CardAfterOtherNumbers_FindsOnlyTheCard()
    {
        const string text = "Order 12345 paid with 5555 5555 5555 4444 on 2024-05-01 at 10 00.";

        Assert.Equal(["5555 5555 5555 4444"], Found(text));
    }

    [Theory]
    [InlineData("79927398713", true)]
    [InlineData("79927398710", false)]
    [InlineData("0", true)]
    [InlineData("", false)]
    [InlineData("4111-1111", false)]
    public void Luhn_IsValid_FollowsTheMod10Rule(string digits, bool expected) =>
        Assert.Equal(expected, Luhn.IsValid(digits));

    [Fact]
    public void Recognize_LongDigitRun_FinishesWithinRegexTimeout()
    {
        var text = string.Concat(Enumerable.Repeat("1 ", 300_000)) + "x";

        Assert.Empty(Found(text));
    }
}
