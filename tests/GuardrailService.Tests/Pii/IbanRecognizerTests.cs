using AiAspire.GuardrailService.Pii;

namespace AiAspire.GuardrailService.Tests.Pii;

public class IbanRecognizerTests
{
    [Theory]
    [InlineData("Pay to DE89 3704 0044 0532 0130 00 please", "DE89 3704 0044 0532 0130 00")]
    [InlineData("IBAN GB82WEST12345698765432.", "GB82WEST12345698765432")]
    [InlineData("FR14 2004 1010 0505 0001 3M02 606 is mine", "FR14 2004 1010 0505 0001 3M02 606")]
    public void Analyze_ValidIbans_AreFoundWithTheirSpaces(string text, string expected)
    {
        Assert.Equal([expected], Found.Values(text, PiiTypes.Iban));
    }

    [Theory]
    [InlineData("DE89 3704 0044 0532 0130 01")]   // check digits wrong
    [InlineData("DE89 3704 0044 0532 0130 0")]    // one digit short
    [InlineData("DE89 3704 0044 0532 0130 000")]  // one digit long
    [InlineData("GB82 west 1234 5698 7654 32")]   // lower case
    [InlineData("XX89 3704 0044 0532 0130 00")]   // no such country
    [InlineData("BE71 A961 2345 6769")]           // letters where Belgium has digits
    public void Analyze_NearMisses_AreNotIbans(string text)
    {
        Assert.Empty(Found.Values(text, PiiTypes.Iban));
    }

    [Fact]
    public void Mod97_OfAValidIban_IsOne()
    {
        Assert.Equal(1, IbanRecognizer.Mod97("GB82WEST12345698765432"));
        Assert.NotEqual(1, IbanRecognizer.Mod97("GB82WEST12345698765433"));
    }
}
