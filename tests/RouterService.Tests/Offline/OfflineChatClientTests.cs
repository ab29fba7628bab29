using System.Text;
using AiAspire.Contracts.Router;
using AiAspire.RouterService.Offline;
using Microsoft.Extensions.AI;

namespace AiAspire.RouterService.Tests.Offline;

public sealed class OfflineChatClientTests
{
    private readonly OfflineChatClient _client = new();

    private static List<ChatMessage> Conversation(string question, IReadOnlyList<ContextPassage>? passages = null)
    {
        var messages = new List<ChatMessage> { new(ChatRole.System, "You are the company assistant.") };
        if (passages is not null)
        {
            messages.Add(new(ChatRole.System, ContextPassages.Render(passages)));
        }
        messages.Add(new(ChatRole.User, question));
        return messages;
    }

    private async Task<(string Text, List<ChatResponseUpdate> Updates)> StreamAsync(List<ChatMessage> messages, ChatOptions? options = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var updates = new List<ChatResponseUpdate>();
        var text = new StringBuilder();
        await foreach (var update in _client.GetStreamingResponseAsync(messages, options, timeout.Token))
        {
            updates.Add(update);
            text.Append(update.Text);
        }
        return (text.ToString(), updates);
    }

    [Fact]
    public async Task GetResponse_ContextBlockInSystemMessage_AnswersFromTheRightSentenceWithCitationAndSources()
    {
        var response = await _client.GetResponseAsync(Conversation("How long do refunds take?", Handbook.Passages));

        Assert.Equal($"{Handbook.RefundSentence} [1]\n\nSources:\n[1] handbook/refunds.md", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(OfflineChatClient.ModelId, response.ModelId);
        Assert.Equal(ChatRole.Assistant, Assert.Single(response.Messages).Role);
    }

    [Fact]
    public async Task GetResponse_ReportsUsageAsTheTokenEstimateOfPromptAndAnswer()
    {
        var messages = Conversation("How long do refunds take?", Handbook.Passages);

        var response = await _client.GetResponseAsync(messages);

        var input = messages.Sum(m => TokenEstimator.Estimate(m.Text));
        var output = TokenEstimator.Estimate(response.Text);
        Assert.Equal((input, output, input + output), (response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount, response.Usage?.TotalTokenCount));
    }

    [Fact]
    public async Task GetResponse_QuestionComesFromTheLastUserMessage()
    {
        var messages = Conversation("How long do refunds take?", Handbook.Passages);
        messages.Add(new(ChatRole.Assistant, "Refunds take 14 days."));
        messages.Add(new(ChatRole.User, "And when do orders ship?"));

        var response = await _client.GetResponseAsync(messages);

        Assert.Equal($"{Handbook.ShippingSentence} [2]\n\nSources:\n[2] handbook/shipping.md", response.Text);
    }

    [Fact]
    public async Task GetResponse_NoContextBlock_SaysItHasNoDocuments()
    {
        var response = await _client.GetResponseAsync(Conversation("How long do refunds take?"));

        Assert.Equal(OfflineChatClient.NoDocumentsAnswer, response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task GetResponse_NoSystemMessageAtAll_SaysItHasNoDocuments()
    {
        var response = await _client.GetResponseAsync([new ChatMessage(ChatRole.User, "How long do refunds take?")]);

        Assert.Equal(OfflineChatClient.NoDocumentsAnswer, response.Text);
    }

    [Fact]
    public async Task GetResponse_PassagesUnrelatedToTheQuestion_SaysTheDocumentsDoNotAnswerIt()
    {
        var response = await _client.GetResponseAsync(Conversation("What is the parking policy?", Handbook.Passages));

        Assert.Equal(OfflineChatClient.NoAnswerInDocuments, response.Text);
    }

    [Fact]
    public async Task GetResponse_StemmedQuestion_FindsTheSentenceUsingAnotherForm()
    {
        var response = await _client.GetResponseAsync(Conversation("Has my purchase been refunded?", Handbook.Passages));

        Assert.StartsWith($"{Handbook.RefundSentence} [1]", response.Text);
    }

    [Fact]
    public async Task GetStreamingResponse_ConcatenatedUpdates_EqualTheNonStreamedAnswer()
    {
        var messages = Conversation("When do orders ship and when are refunds issued?", Handbook.Passages);

        var whole = await _client.GetResponseAsync(messages);
        var (streamed, updates) = await StreamAsync(messages);

        Assert.Equal(whole.Text, streamed);
        Assert.True(updates.Count(u => u.Text.Length > 0) > 1, "the answer should arrive in several pieces");
    }

    [Fact]
    public async Task GetStreamingResponse_LastUpdate_CarriesUsageAndFinishReasonAndNoEarlierOneDoes()
    {
        var messages = Conversation("How long do refunds take?", Handbook.Passages);

        var whole = await _client.GetResponseAsync(messages);
        var (_, updates) = await StreamAsync(messages);

        var last = updates[^1];
        Assert.Equal(ChatFinishReason.Stop, last.FinishReason);
        var usage = Assert.IsType<UsageContent>(Assert.Single(last.Contents)).Details;
        Assert.Equal((whole.Usage!.InputTokenCount, whole.Usage.OutputTokenCount), (usage.InputTokenCount, usage.OutputTokenCount));
        Assert.All(updates[..^1], u => Assert.Null(u.FinishReason));
        Assert.All(updates[..^1], u => Assert.DoesNotContain(u.Contents, c => c is UsageContent));
        Assert.Single(updates.Select(u => u.ResponseId).Distinct());
    }

    [Fact]
    public async Task GetResponse_MaxOutputTokensBelowTheAnswer_TruncatesAtAWordWithFinishReasonLength()
    {
        var messages = Conversation("How long do refunds take?", Handbook.Passages);
        var full = (await _client.GetResponseAsync(messages)).Text;

        var response = await _client.GetResponseAsync(messages, new ChatOptions { MaxOutputTokens = 5 });

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.True(TokenEstimator.Estimate(response.Text) <= 5, $"'{response.Text}' is over 5 tokens");
        Assert.NotEmpty(response.Text);
        Assert.StartsWith(response.Text, full);
        Assert.Equal(' ', full[response.Text.Length]);
        Assert.Equal(TokenEstimator.Estimate(response.Text), response.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task GetStreamingResponse_MaxOutputTokensBelowTheAnswer_StreamsTheTruncatedAnswerAndEndsWithLength()
    {
        var messages = Conversation("How long do refunds take?", Handbook.Passages);
        var options = new ChatOptions { MaxOutputTokens = 5 };
        var truncated = await _client.GetResponseAsync(messages, options);

        var (streamed, updates) = await StreamAsync(messages, options);

        Assert.Equal(truncated.Text, streamed);
        Assert.Equal(ChatFinishReason.Length, updates[^1].FinishReason);
    }

    [Fact]
    public async Task GetResponse_MaxOutputTokensAboveTheAnswer_LeavesItWholeWithFinishReasonStop()
    {
        var messages = Conversation("How long do refunds take?", Handbook.Passages);
        var full = (await _client.GetResponseAsync(messages)).Text;

        var response = await _client.GetResponseAsync(messages, new ChatOptions { MaxOutputTokens = TokenEstimator.Estimate(full) });

        Assert.Equal(full, response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public void GetService_ChatClientMetadata_NamesTheOfflineModel()
    {
        var metadata = _client.GetService<ChatClientMetadata>();

        Assert.Equal(OfflineChatClient.ModelId, metadata?.DefaultModelId);
    }
}
