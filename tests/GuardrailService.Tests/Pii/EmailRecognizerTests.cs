using AiAspire.GuardrailService.Pii;

namespace AiAspire.GuardrailService.Tests.Pii;

[Collection(ExclusiveCollection.Name)]
public class EmailRecognizerTests
{
    private static string[] Found(string text) =>
        new EmailRecognizer().Recognize(text).Select(f => text[f.Start..f.End]).ToArray();

    [Theory]
    [InlineData("jane.doe@example.com", "jane.doe@example.com")]
    [InlineData("Write to jane.doe+billing@mail.example.co.uk today.", "jane.doe+billing@mail.example.co.uk")]
    [InlineData("Ping <ops_team-1@corp-mail.example.org>, thanks", "ops_team-1@corp-mail.example.org")]
    [InlineData("mailto:info@presidio.site", "info@presidio.site")]
    [InlineData("my email is user@xn--80ak6aa92e.com today", "user@xn--80ak6aa92e.com")]
    [InlineData("a@xn--d1acufc.xn--p1ai", "a@xn--d1acufc.xn--p1ai")]
    [InlineData("Contact: jürgen@bücher.de.", "jürgen@bücher.de")]
    [InlineData("(JOHN.SMITH@EXAMPLE.COM)", "JOHN.SMITH@EXAMPLE.COM")]
    [InlineData("owner = 'dev.ops@example.io'", "dev.ops@example.io")]
    [InlineData("From: \"Jane\" <jane@example.com>", "jane@example.com")]
    public void Recognize_Address_FindsExactSpan(string text, string expected) =>
        Assert.Equal([expected], Found(text));

    [Fact]
    public void Recognize_TwoAddresses_FindsBothWithOffsets()
    {
        const string text = "try info@presidio.site or anotherinfo@presidio.site";

        var findings = new EmailRecognizer().Recognize(text).ToArray();

        Assert.Equal([(4, 22), (26, 51)], findings.Select(f => (f.Start, f.End)));
        Assert.All(findings, f => Assert.Equal(PiiTypes.Email, f.Type));
    }

    [Theory]
    [InlineData("my email is info@presidio.")]
    [InlineData("this is not an email: hello-world here")]
    [InlineData("ask @jane on chat")]
    [InlineData("root@localhost")]
    [InlineData("user@example")]
    [InlineData("x@y.c")]
    [InlineData("a..b@example.com")]
    [InlineData(".dot@example.com is not a valid start")]
    [InlineData("icon@2x.png and logo@3x.svg")]
    [InlineData("npm i left-pad@1.3.0")]
    [InlineData("a@b@example.com")]
    [InlineData("user@-bad.example.com")]
    public void Recognize_EmailLikeNonEmail_FindsNothing(string text) =>
        Assert.Empty(Found(text));

    [Fact]
    public void Recognize_LocalPartLongerThan64_FindsNothing() =>
        Assert.Empty(Found(new string('a', 65) + "@example.com"));

    [Theory]
    [InlineData(200_000, "a")]
    [InlineData(200_000, "a.")]
    [InlineData(100_000, "a@")]
    [InlineData(50_000, "a@b.")]
    [InlineData(20_000, "x@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-")]
    public void Recognize_PathologicalInput_FinishesWithinRegexTimeout(int repeat, string unit)
    {
        var text = string.Concat(Enumerable.Repeat(unit, repeat)) + "!";

        var exception = Record.Exception(() => Found(text));

        Assert.Null(exception);
    }
}
