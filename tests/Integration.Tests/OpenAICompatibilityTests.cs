using System.ClientModel;
using System.Text;
using OpenAI;
using OpenAI.Chat;

namespace AiAspire.Integration.Tests;

/// <summary>The official OpenAI .NET SDK talks to the platform through the gateway as if it were OpenAI.</summary>
public abstract class OpenAICompatibilityTests(IWholePlatform platform)
{
    private ChatClient Chat(string model) =>
        new OpenAIClient(
            new ApiKeyCredential(PlatformFixture.DevApiKey),
            new OpenAIClientOptions { Endpoint = new Uri(platform.GatewayAddress, "v1") })
        .GetChatClient(model);

    [Fact]
    public async Task OpenAISdk_GetsACompletion_FromTheOfflineModel()
    {
        ChatCompletion completion = await Chat("local").CompleteChatAsync(
            [new UserChatMessage("What is the colour of a zebrafinch's beak in winter?")]);

        Assert.Equal("local", completion.Model);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.StartsWith("chatcmpl-", completion.Id);
        Assert.False(string.IsNullOrWhiteSpace(completion.Content[0].Text));
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.True(completion.Usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task OpenAISdk_StreamsTheSameAnswer_AsTheNonStreamedCall()
    {
        var chat = Chat("local");
        var messages = new List<OpenAI.Chat.ChatMessage> { new UserChatMessage("Which documents describe the tundra lemming migration?") };

        ChatCompletion whole = await chat.CompleteChatAsync(messages);

        var streamed = new StringBuilder();
        var updates = 0;
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in chat.CompleteChatStreamingAsync(messages))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                streamed.Append(part.Text);
            }
            finish = update.FinishReason ?? finish;
            usage = update.Usage ?? usage;
        }

        Assert.True(updates > 2, $"Expected several chunks, got {updates}.");
        Assert.Equal(whole.Content[0].Text, streamed.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.True(usage!.OutputTokenCount > 0);
    }
}

/// <summary><see cref="OpenAICompatibilityTests"/> with the guard and the router as services of their own.</summary>
[Collection(PlatformCollection.Name)]
public sealed class OpenAICompatibilityThroughServicesTests(PlatformFixture platform) : OpenAICompatibilityTests(platform);
