using AiAspire.Contracts.Router;
using AiAspire.RouterService.Offline;

namespace AiAspire.RouterService.Tests.Offline;

public sealed class ExtractiveAnswererTests
{
    [Fact]
    public void Answer_QuestionAboutOnePassage_QuotesTheMatchingSentenceWithItsCitationAndListsItsSource()
    {
        var answer = ExtractiveAnswerer.Answer("How long do refunds take?", Handbook.Passages);

        Assert.Equal($"{Handbook.RefundSentence} [1]\n\nSources:\n[1] handbook/refunds.md", answer);
    }

    [Fact]
    public void Answer_QuestionSpanningTwoPassages_CitesEachSentenceAndListsBothSourcesInPassageOrder()
    {
        var answer = ExtractiveAnswerer.Answer("When do orders ship and when are refunds issued?", Handbook.Passages);

        Assert.Equal(
            $"{Handbook.RefundSentence} [1] {Handbook.ShippingSentence} [2]\n\nSources:\n[1] handbook/refunds.md\n[2] handbook/shipping.md",
            answer);
    }

    [Fact]
    public void Answer_QuestionSharingNoTermWithThePassages_ReturnsNull()
    {
        Assert.Null(ExtractiveAnswerer.Answer("What is the parking policy?", Handbook.Passages));
    }

    [Fact]
    public void Answer_QuestionOfOnlyStopWords_ReturnsNull()
    {
        Assert.Null(ExtractiveAnswerer.Answer("What is it about?", Handbook.Passages));
    }

    [Fact]
    public void Answer_InflectedQuestionWord_MeetsTheSentenceUsingAnotherForm()
    {
        var answer = ExtractiveAnswerer.Answer("Has my purchase been refunded?", Handbook.Passages);

        Assert.NotNull(answer);
        Assert.StartsWith($"{Handbook.RefundSentence} [1]", answer);
    }

    [Theory]
    [InlineData("refunds", "refund")]
    [InlineData("refunded", "refund")]
    [InlineData("refunding", "refund")]
    [InlineData("refund", "refund")]
    [InlineData("boxes", "box")]
    [InlineData("class", "class")]
    [InlineData("bus", "bus")]
    [InlineData("2024s", "2024s")]
    public void Stem_FoldsCommonInflections(string word, string stem)
    {
        Assert.Equal(stem, ExtractiveAnswerer.Stem(word));
    }

    [Fact]
    public void Answer_HeadingLine_IsNeverQuotedAsTheAnswer()
    {
        ContextPassage[] passages = [new(1, "refunds.md", "# Refunds\nRefunds are issued within 14 days.")];

        var answer = ExtractiveAnswerer.Answer("refunds?", passages);

        Assert.Equal("Refunds are issued within 14 days. [1]\n\nSources:\n[1] refunds.md", answer);
    }

    [Fact]
    public void Answer_SentenceHardWrappedAcrossLines_IsQuotedWhole()
    {
        ContextPassage[] passages = [new(1, "refunds.txt", "Refunds are issued to the original card\nwithin 14 days of the return.\nStore credit never expires.")];

        var answer = ExtractiveAnswerer.Answer("How long do refunds take?", passages);

        Assert.Equal("Refunds are issued to the original card within 14 days of the return. [1]\n\nSources:\n[1] refunds.txt", answer);
    }

    [Fact]
    public void Answer_BlankLine_EndsASentenceEvenWithoutPunctuation()
    {
        ContextPassage[] passages = [new(1, "notes.txt", "Refunds are handled by finance\n\nshipping is handled by the warehouse")];

        var answer = ExtractiveAnswerer.Answer("Who handles refunds?", passages);

        Assert.Equal("Refunds are handled by finance [1]\n\nSources:\n[1] notes.txt", answer);
    }

    [Fact]
    public void Answer_ListItemsOnSeparateLines_StaySeparateSentences()
    {
        ContextPassage[] passages = [new(1, "leave.md", "Leave allowances:\n- Annual leave is 25 days\n- Sick leave is paid from day one")];

        var answer = ExtractiveAnswerer.Answer("How is sick leave paid?", passages);

        Assert.NotNull(answer);
        Assert.Contains("Sick leave is paid from day one [1]", answer);
        Assert.DoesNotContain("Annual", answer);
        Assert.DoesNotContain("allowances", answer);
    }
}
