using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Budgets;

namespace AiAspire.Orchestrator.Tests.Budgets;

public sealed class TokenCounterTests
{
    private static readonly TokenCounter Counter = new();

    [Theory]
    [InlineData("gpt-4o", TokenCounter.O200kBase)]
    [InlineData("gpt-4o-mini-2024-07-18", TokenCounter.O200kBase)]
    [InlineData("gpt-4.1-nano", TokenCounter.O200kBase)]
    [InlineData("gpt-5", TokenCounter.O200kBase)]
    [InlineData("o3-mini", TokenCounter.O200kBase)]
    [InlineData("o1", TokenCounter.O200kBase)]
    [InlineData("openai/gpt-4o", TokenCounter.O200kBase)]
    [InlineData("gpt-4", TokenCounter.Cl100kBase)]
    [InlineData("gpt-4-turbo", TokenCounter.Cl100kBase)]
    [InlineData("gpt-3.5-turbo", TokenCounter.Cl100kBase)]
    [InlineData("gpt-35-turbo", TokenCounter.Cl100kBase)]
    [InlineData("claude-sonnet-4", null)]
    [InlineData("gpt-40", null)]
    [InlineData("local", null)]
    [InlineData(null, null)]
    public void EncodingOf_FollowsTheModelFamily(string? model, string? encoding) =>
        Assert.Equal(encoding, TokenCounter.EncodingOf(model));

    [Fact]
    public void Encodings_AreTheRealTiktokenVocabularies()
    {
        // tiktoken: o200k_base encodes "hello world" as [24912, 2375], cl100k_base as [15339, 1917].
        Assert.Equal([24912, 2375], Counter.For(TokenCounter.O200kBase).EncodeToIds("hello world"));
        Assert.Equal([15339, 1917], Counter.For(TokenCounter.Cl100kBase).EncodeToIds("hello world"));
    }

    [Fact]
    public void CountMessages_IsThreePerMessagePlusRoleAndContent_PlusThreeForTheReply()
    {
        RouterMessage[] messages = [new("system", "hello world"), new("user", "hello world"), new("assistant", "hello world")];

        // 3 + 3 × (3 + 1 + 2)
        Assert.Equal(21, Counter.CountMessages(TokenCounter.O200kBase, messages));
        Assert.Equal(21, Counter.CountMessages(TokenCounter.Cl100kBase, messages));
    }

    [Fact]
    public void For_AnUnknownEncoding_Throws() =>
        Assert.Throws<ArgumentException>(() => Counter.For("p50k_base"));
}
