using AiAspire.GuardrailService.Pii;

namespace AiAspire.GuardrailService.Tests.Pii;

public class UsSsnRecognizerTests
{
    [Theory]
    [InlineData("SSN 536-22-1234", "536-22-1234")]
    [InlineData("536 22 1234", "536 22 1234")]
    [InlineData("my SSN is 536221234", "536221234")]
    public void Analyze_ValidSsns_AreFound(string text, string expected)
    {
        Assert.Equal([expected], Found.Values(text, PiiTypes.UsSsn));
    }

    [Theory]
    [InlineData("000-12-3456")]  // area 000
    [InlineData("666-12-3456")]  // area 666
    [InlineData("912-12-3456")]  // area 9xx (ITINs)
    [InlineData("536-00-1234")]  // group 00
    [InlineData("536-22-0000")]  // serial 0000
    [InlineData("078-05-1120")]  // the Woolworth wallet card, voided
    [InlineData("123-45-6789")]  // the ascending run
    [InlineData("536-22.1234")]  // two different separators
    [InlineData("536221234")]    // nine bare digits and no context word
    public void Analyze_InvalidOrUncontextualised_IsNotAnSsn(string text)
    {
        Assert.Empty(Found.Values(text, PiiTypes.UsSsn));
    }
}
