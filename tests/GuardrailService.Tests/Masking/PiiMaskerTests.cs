using AiAspire.GuardrailService.Masking;
using AiAspire.GuardrailService.Pii;
using AiAspire.GuardrailService.Tests.Pii;

namespace AiAspire.GuardrailService.Tests.Masking;

public class PiiMaskerTests
{
    private static readonly PiiMasker Masker = new(Analyzers.Default());

    [Fact]
    public void Mask_TwoTypes_NumbersPlaceholdersPerType()
    {
        var result = Masker.Mask(["Mail a@example.com and b@example.com, card 4111 1111 1111 1111."]);

        Assert.Equal("Mail <EMAIL_1> and <EMAIL_2>, card <CREDIT_CARD_1>.", result.Texts[0]);
        Assert.Equal(new Dictionary<string, string>
        {
            ["<EMAIL_1>"] = "a@example.com",
            ["<EMAIL_2>"] = "b@example.com",
            ["<CREDIT_CARD_1>"] = "4111 1111 1111 1111",
        }, result.Entries);
    }

    [Fact]
    public void Mask_SameValueInSeveralMessages_GetsTheSamePlaceholder()
    {
        var result = Masker.Mask(["I am a@example.com", "no PII here", "Again: a@example.com, also c@example.com"]);

        Assert.Equal(["I am <EMAIL_1>", "no PII here", "Again: <EMAIL_1>, also <EMAIL_2>"], result.Texts);
        Assert.Equal(2, result.Entries.Count);
        Assert.Equal([0, 2, 2], result.Findings.Select(f => f.MessageIndex));
    }

    [Fact]
    public void Mask_Findings_CarryOffsetsIntoTheOriginalText()
    {
        string[] texts = ["x", "card 4111111111111111 then mail z@example.net"];

        var result = Masker.Mask(texts);

        Assert.All(result.Findings, finding =>
            Assert.Equal(result.Entries[finding.Type == PiiTypes.Email ? "<EMAIL_1>" : "<CREDIT_CARD_1>"],
                texts[finding.MessageIndex][finding.Start..finding.End]));
        Assert.Equal([(5, 21), (32, 45)], result.Findings.Select(f => (f.Start, f.End)));
    }

    [Fact]
    public void Mask_PlaceholderAlreadyInTheInput_IsNotHandedOut()
    {
        var result = Masker.Mask(["Template says <EMAIL_1>; mine is me@example.com"]);

        Assert.Equal("Template says <EMAIL_1>; mine is <EMAIL_2>", result.Texts[0]);
        Assert.Equal(["<EMAIL_2>"], result.Entries.Keys);
    }

    [Fact]
    public void Mask_NothingFound_ReturnsTextsUnchangedAndNoEntries()
    {
        var result = Masker.Mask(["hello", ""]);

        Assert.Equal(["hello", ""], result.Texts);
        Assert.Empty(result.Findings);
        Assert.Empty(result.Entries);
    }
}
