using AiAspire.GuardrailService.Pii;

namespace AiAspire.GuardrailService.Tests.Pii;

public class PersonNameRecognizerTests
{
    [Theory]
    [InlineData("Hi, my name is Ada Lovelace and I need help", "Ada Lovelace")]
    [InlineData("Please ask Dr. Okonkwo about it", "Okonkwo")]
    [InlineData("Forward this to Maria Gonzalez today", "Maria Gonzalez")]
    [InlineData("Dear Thomas, thanks", "Thomas")]
    [InlineData("Name: Wilhelmina Carter", "Wilhelmina Carter")]
    [InlineData("our customer Priya asked", "Priya")]
    public void Analyze_Names_AreFound(string text, string expected)
    {
        Assert.Equal([expected], Found.Values(text, PiiTypes.Person));
    }

    [Theory]
    [InlineData("I'm Happy to help with The Project")]
    [InlineData("Will May bring the Mark to Grace Church?")]
    [InlineData("Paris is the capital of France.")]
    [InlineData("Summarise the Annual Report for Q3")]
    public void Analyze_CapitalisedWordsThatAreNotNames_AreNotPersons(string text)
    {
        Assert.Empty(Found.Values(text, PiiTypes.Person));
    }

    [Fact]
    public void Recognize_GivenNameAlone_ScoresBelowTheDefaultThreshold()
    {
        var finding = Assert.Single(new PersonNameRecognizer().Recognize("Thomas was here"));

        Assert.Equal(PersonNameRecognizer.GivenNameScore, finding.Score);
        Assert.Empty(Found.Values("Thomas was here", PiiTypes.Person));
    }
}
