using AiAspire.GuardrailService.Pii;

namespace AiAspire.GuardrailService.Tests.Pii;

public class StreetAddressRecognizerTests
{
    [Theory]
    [InlineData("Ship it to 1600 Pennsylvania Ave NW, Washington, DC 20500 please", "1600 Pennsylvania Ave NW, Washington, DC 20500")]
    [InlineData("I live at 221B Baker Street, London NW1 6XE.", "221B Baker Street, London NW1 6XE")]
    [InlineData("address: 42 Elm St, Apt 5", "42 Elm St, Apt 5")]
    [InlineData("Meine Adresse: Hauptstraße 5, 10115 Berlin", "Hauptstraße 5, 10115 Berlin")]
    public void Analyze_StreetAddresses_AreFound(string text, string expected)
    {
        Assert.Equal([expected], Found.Values(text, PiiTypes.StreetAddress));
    }

    [Theory]
    [InlineData("We sold 3 Big Macs")]
    [InlineData("Chapter 12 The Road Ahead")]
    [InlineData("The street was empty.")]
    public void Analyze_NumbersBeforeCapitalisedWords_AreNotAddresses(string text)
    {
        Assert.Empty(Found.Values(text, PiiTypes.StreetAddress));
    }
}
