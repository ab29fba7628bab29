using System.Runtime.CompilerServices;
using AiAspire.Contracts.Router;
using Microsoft.Extensions.AI;

namespace AiAspire.RouterService.Offline;

/// <summary>
/// The built-in offline model: answers from the context passages in the prompt by extracting the sentences that
/// best answer the question, each cited as [n]; with no passages it says it has no documents on the subject.
/// Deterministic and free, so the platform is useful with no provider configured.
/// </summary>
public sealed class OfflineChatClient : IChatClient
{
    public const string ModelId = "aiaspire-offline-extractive";

    public const string NoDocumentsAnswer =
        "I don't have any documents on that subject, so I can't answer it. " +
        "Add documents to a collection and ask again, or choose another model.";

    public const string NoAnswerInDocuments =
        "The documents I found don't answer that question.";

    private static readonly ChatClientMetadata Metadata = new("aiaspire-offline", providerUri: null, defaultModelId: ModelId);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var answer = Answer(list, options?.MaxOutputTokens);
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, answer.Text))
        {
            ModelId = ModelId,
            FinishReason = answer.Truncated ? ChatFinishReason.Length : ChatFinishReason.Stop,
            Usage = Usage(list, answer.Text),
            CreatedAt = DateTimeOffset.UtcNow,
        };
        return Task.FromResult(response);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var answer = Answer(list, options?.MaxOutputTokens);
        var responseId = Guid.NewGuid().ToString("N");

        var start = 0;
        while (start < answer.Text.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var next = answer.Text.IndexOf(' ', start + 1);
            var end = next < 0 ? answer.Text.Length : next;
            yield return new ChatResponseUpdate(ChatRole.Assistant, answer.Text[start..end]) { ModelId = ModelId, ResponseId = responseId };
            start = end;
            await Task.Yield();
        }

        yield return new ChatResponseUpdate
        {
            Role = ChatRole.Assistant,
            ModelId = ModelId,
            ResponseId = responseId,
            FinishReason = answer.Truncated ? ChatFinishReason.Length : ChatFinishReason.Stop,
            Contents = [new UsageContent(Usage(list, answer.Text))],
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? Metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    private static (string Text, bool Truncated) Answer(IReadOnlyList<ChatMessage> messages, int? maxOutputTokens)
    {
        var question = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        var passages = messages
            .Where(m => m.Role == ChatRole.System)
            .Select(m => ContextPassages.Parse(m.Text))
            .LastOrDefault(p => p.Count > 0) ?? [];

        var text = passages.Count == 0 ? NoDocumentsAnswer : ExtractiveAnswerer.Answer(question, passages) ?? NoAnswerInDocuments;
        return Truncate(text, maxOutputTokens);
    }

    private static (string Text, bool Truncated) Truncate(string text, int? maxOutputTokens)
    {
        if (maxOutputTokens is not > 0 || TokenEstimator.Estimate(text) <= maxOutputTokens)
        {
            return (text, false);
        }
        var limit = Math.Min(text.Length, maxOutputTokens.Value * TokenEstimator.CharactersPerToken);
        var cut = text.LastIndexOf(' ', Math.Max(0, limit - 1));
        return (text[..(cut > 0 ? cut : limit)], true);
    }

    private static UsageDetails Usage(IReadOnlyList<ChatMessage> messages, string answer) => new()
    {
        InputTokenCount = messages.Sum(m => TokenEstimator.Estimate(m.Text)),
        OutputTokenCount = TokenEstimator.Estimate(answer),
        TotalTokenCount = messages.Sum(m => TokenEstimator.Estimate(m.Text)) + TokenEstimator.Estimate(answer),
    };
}
