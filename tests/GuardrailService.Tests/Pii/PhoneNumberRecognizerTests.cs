using AiAspire.GuardrailService.Pii;

namespace AiAspire.GuardrailService.Tests.Pii;

public class PhoneNumberRecognizerTests
{
    [Theory]
    [InlineData("Call me at +44 20 7946 0958 tomorrow", "+44 20 7946 0958")]
    [InlineData("Mobile: +49 151 23456789", "+49 151 23456789")]
    [InlineData("Our office: (415) 555-0132", "(415) 555-0132")]
    [InlineData("phone 13812345678", "13812345678")]
    public void Analyze_PhoneNumbers_AreFound(string text, string expected)
    {
        Assert.Equal([expected], Found.Values(text, PiiTypes.Phone));
    }

    [Theory]
    [InlineData("Order 4155550132 shipped")]
    [InlineData("Subnet 169.254.1.1 and 192.168.1.0/24")]
    [InlineData("Version 10.0.19045 build 3570")]
    [InlineData("+1 555 0132")]
    public void Analyze_NumbersThatAreNotPhoneNumbers_AreNotReported(string text)
    {
        Assert.Empty(Found.Values(text, PiiTypes.Phone));
    }

    [Fact]
    public void Recognize_BareDigits_ScoreBelowThresholdUnlessAContextWordIsNear()
    {
        var bare = Assert.Single(new PhoneNumberRecognizer().Recognize("ref 4155550132"));
        Assert.Equal(PhoneNumberRecognizer.BareDigitsScore, bare.Score);

        var boosted = Assert.Single(Analyzers.Default().Analyze("my phone is 4155550132"));
        Assert.Equal(PhoneNumberRecognizer.BareDigitsScore + ContextWords.Boost, boosted.Score, 6);
    }

    [Fact]
    public void Recognize_IdGroupedUnlikeItsRegionsNumbers_ScoresLow()
    {
        var finding = Assert.Single(new PhoneNumberRecognizer().Recognize("046 454 286"));

        Assert.Equal(PhoneNumberRecognizer.LooseScore, finding.Score);
    }
}
