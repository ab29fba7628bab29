using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AiAspire.TestKit;

namespace AiAspire.Integration.Tests;

/// <summary>Masked values never reach a model, asserted at the model's own door, and come back in the answer.</summary>
public abstract class PiiMaskingTests(IWholePlatform platform)
{
    [Fact]
    public async Task EmailInPrompt_NeverReachesTheModel_AndIsRestoredInTheAnswer()
    {
        const string email = "alice.martin@example.com";
        var prompt = $"Please send the invoice to {email} today. Reference {Guid.NewGuid():N}.";
        using var client = platform.CreateClient();

        var response = await client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = WholeApp.FakeDeployment,
            messages = new[] { new { role = "user", content = prompt } },
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);

        var seen = platform.Upstream.RequestBodies.Where(b => b.Contains(prompt.Split("Reference ")[1].TrimEnd('.'))).ToList();
        var upstreamBody = Assert.Single(seen);
        Assert.DoesNotContain(email, upstreamBody);
        Assert.Contains("<EMAIL_1>", upstreamBody);

        var answer = JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
        Assert.Equal(FakeOpenAIServer.ReplyTo(prompt), answer);
        Assert.Equal(WholeApp.FakeDeployment, response.Headers.GetValues("x-aiaspire-model").Single());
    }

    [Fact]
    public async Task CardNumberInStreamedPrompt_IsRestored_EvenWhenThePlaceholderIsSplitAcrossChunks()
    {
        const string card = "4111 1111 1111 1111";
        const string email = "bob@example.org";
        var prompt = $"Charge card {card} and mail {email}. Ticket {Guid.NewGuid():N}.";
        using var client = platform.CreateClient();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new
            {
                model = WholeApp.FakeDeployment,
                stream = true,
                messages = new[] { new { role = "user", content = prompt } },
            }),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        var text = new StringBuilder();
        var sawDone = false;
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }
            var data = line["data: ".Length..];
            if (data == "[DONE]")
            {
                sawDone = true;
                break;
            }
            var chunk = JsonDocument.Parse(data).RootElement;
            Assert.False(chunk.TryGetProperty("error", out _), data);
            foreach (var choice in chunk.GetProperty("choices").EnumerateArray())
            {
                if (choice.GetProperty("delta").TryGetProperty("content", out var content))
                {
                    text.Append(content.GetString());
                }
            }
        }

        Assert.True(sawDone, "The stream must end with data: [DONE].");
        Assert.Equal(FakeOpenAIServer.ReplyTo(prompt), text.ToString());
        var upstreamBody = Assert.Single(platform.Upstream.RequestBodies, b => b.Contains(prompt[^34..^1]));
        Assert.DoesNotContain(card, upstreamBody);
        Assert.DoesNotContain(email, upstreamBody);
        Assert.Contains("<CREDIT_CARD_1>", upstreamBody);
        Assert.Contains("<EMAIL_1>", upstreamBody);
    }
}

/// <summary><see cref="PiiMaskingTests"/> with the guard and the router as services of their own.</summary>
[Collection(PlatformCollection.Name)]
public sealed class PiiMaskingThroughServicesTests(PlatformFixture platform) : PiiMaskingTests(platform);
