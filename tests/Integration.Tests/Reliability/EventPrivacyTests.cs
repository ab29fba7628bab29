using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AiAspire.TestKit;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace AiAspire.Integration.Tests.Reliability;

/// <summary>
/// Events and datasets carry masked text only: personal data sent through every entry point that publishes (OpenAI
/// chat plain and streamed, platform chat with memory and with retrieved documents, feedback with a correction, a
/// document ingest, a dataset export) appears in no event on the bus and in no exported dataset. The test first shows
/// the values were sent, detected and used, so a platform that dropped them could not pass.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class EventPrivacyTests(PlatformFixture platform, ITestOutputHelper output)
{
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RawPersonalData_SentThroughEveryEntryPoint_AppearsInNoEventAndNoDataset()
    {
        var pii = PiiProbe.Create();
        var tenant = TenantKeys.NewTenant("privacy");
        using var client = platform.CreateClient(await TenantKeys.CreateAsync(platform, tenant));
        var answered = new List<string>();

        // OpenAI chat, plain: the model sees placeholders, the caller gets the values back.
        var plainPrompt = $"{pii.Sentence} Ticket {Guid.NewGuid():N}.";
        var plain = await ChatCompletionAsync(client, plainPrompt, stream: false);
        Assert.Equal(FakeOpenAIServer.ReplyTo(plainPrompt), plain.Answer);
        var upstream = Assert.Single(platform.Upstream.RequestBodies, b => b.Contains(plainPrompt[^34..^1], StringComparison.Ordinal));
        Assert.Null(pii.FindIn(upstream));
        Assert.Contains("<EMAIL_1>", upstream);
        answered.Add(plain.Id);

        // OpenAI chat, streamed.
        var streamedPrompt = $"Streamed: {pii.Sentence} Ticket {Guid.NewGuid():N}.";
        var streamed = await ChatCompletionAsync(client, streamedPrompt, stream: true);
        Assert.Equal(FakeOpenAIServer.ReplyTo(streamedPrompt), streamed.Answer);
        answered.Add(streamed.Id);

        // Platform chat with memory: a first turn, then a streamed second turn of the same conversation.
        var first = await PlatformChatAsync(client, new { message = $"Remember this: {pii.Sentence}", model = PlatformFixture.FakeDeployment, rag = "off" });
        Assert.Contains(pii.Email, first.Answer);
        var second = await PlatformChatStreamAsync(client, new
        {
            conversationId = first.ConversationId,
            message = $"Also note my backup email {pii.Email} and card {pii.Card}.",
            model = PlatformFixture.FakeDeployment,
            rag = "off",
            stream = true,
        });
        Assert.Contains(pii.Card, second.Answer);
        Assert.Contains("CREDIT_CARD", second.MaskedPii);
        Assert.Contains("EMAIL", second.MaskedPii);
        answered.AddRange([first.Id, second.Id]);

        // A document holding the values, then a question answered from it (retrieved passages enter the prompt).
        var documentId = "privacy-" + Guid.NewGuid().ToString("N")[..12];
        var marker = "zephyrine" + Guid.NewGuid().ToString("N")[..8];
        var ingest = await client.PostAsJsonAsync("/api/documents", new
        {
            id = documentId,
            text = $"Customer record {marker}. {pii.Sentence} The customer prefers contact by email.",
        });
        Assert.True(ingest.IsSuccessStatusCode, await ingest.Content.ReadAsStringAsync());
        await Eventually.HoldsAsync(async () => (await client.GetAsync($"/api/documents/{documentId}")).StatusCode == HttpStatusCode.OK,
            "the document is stored", Propagation);
        var grounded = await PlatformChatAsync(client, new { message = $"What is in customer record {marker}?", model = PlatformFixture.FakeDeployment, rag = "on" });
        Assert.True(grounded.Citations > 0, "The question about the document must be answered with retrieved passages.");
        answered.Add(grounded.Id);

        // Feedback: every answer rated up (so the dataset holds them all), one corrected with the values.
        foreach (var id in answered)
        {
            var correction = id == plain.Id ? $"Better: write to {pii.Email} or {pii.Phone}, card {pii.Card}, IBAN {pii.Iban}, IP {pii.IpAddress}." : null;
            var comment = id == plain.Id ? $"Reach me at {pii.Phone}" : null;
            var feedback = await client.PostAsJsonAsync("/api/feedback", new { responseId = id, rating = 1, comment, correction });
            Assert.True(feedback.StatusCode == HttpStatusCode.Accepted, await feedback.Content.ReadAsStringAsync());
        }

        // The events were published (so there is something to check) and the values were detected in each request.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await platform.RedisConnectionStringAsync());
        var events = await Eventually.MatchesAsync(() => PlatformEvents.ReadAsync(redis),
            e => answered.All(id => Has(e, "inference-events", id) && Has(e, "interaction-events", id) && Has(e, "feedback-events", id)),
            "every answer's inference, interaction and feedback events are on the bus", Propagation);
        foreach (var id in new[] { plain.Id, streamed.Id, first.Id })
        {
            var findings = Event(events, "inference-events", id).GetProperty("guardFindings").EnumerateArray().Select(f => f.GetString()).ToList();
            Assert.All(PiiProbe.Types, type => Assert.Contains(type, findings));
        }
        Assert.True(Event(events, "inference-events", grounded.Id).GetProperty("retrievedChunks").GetInt32() > 0);
        var corrected = Event(events, "feedback-events", plain.Id);
        Assert.Contains("<EMAIL_", corrected.GetProperty("correction").GetString());
        Assert.Contains("<PHONE_NUMBER_", corrected.GetProperty("comment").GetString());

        // A dataset export of the tenant holds every rated answer.
        var exportAttempts = 0;
        var dataset = await Eventually.MatchesAsync(async () =>
            {
                if (exportAttempts++ > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1)); // one export a second: each export is kept as a version
                }
                return await ExportAsync(client);
            },
            d => d.Count == answered.Count, $"the dataset holds the {answered.Count} rated answers", Propagation);
        var jsonl = await client.GetStringAsync($"/api/quality/datasets/{dataset.Id}");
        events = await Eventually.MatchesAsync(() => PlatformEvents.ReadAsync(redis), e => e.In("dataset-events").Any(x => x.Texts.Contains(dataset.Id)),
            "the export's event is on the bus", Propagation);

        var decoded = DecodedLines(jsonl).ToList();
        Assert.Contains(decoded, line => line.Contains("<EMAIL_", StringComparison.Ordinal)); // the masked conversations are there
        var leaking = events.Entries.Select(e => (Entry: e, Value: e.Texts.Select(pii.FindIn).FirstOrDefault(v => v is not null)))
            .Where(x => x.Value is not null).ToList();
        Assert.True(leaking.Count == 0,
            $"{leaking.Count} of {events.Entries.Count} events carry raw personal data, e.g. '{leaking.FirstOrDefault().Value}' in {leaking.FirstOrDefault().Entry}");
        Assert.True(pii.FindIn(jsonl) is null && decoded.All(line => pii.FindIn(line) is null),
            "A dataset line holds raw personal data: " + (decoded.FirstOrDefault(line => pii.FindIn(line) is not null) ?? jsonl));
        output.WriteLine($"Event privacy: {events.Entries.Count} events in {events.Entries.Select(e => e.Stream).Distinct().Count()} streams and a {decoded.Count}-example dataset hold none of {pii.Spellings.Count} raw values");
    }

    private static bool Has(PlatformEvents events, string stream, string requestId) =>
        events.In(stream).Any(e => PlatformEvents.DataOf(e) is { } data && IdOf(data) == requestId);

    private static JsonElement Event(PlatformEvents events, string stream, string requestId) =>
        events.In(stream).Select(PlatformEvents.DataOf).First(d => d is { } data && IdOf(data) == requestId)!.Value;

    private static string? IdOf(JsonElement data) =>
        data.TryGetProperty("requestId", out var id) || data.TryGetProperty("responseId", out id) ? id.GetString() : null;

    private static IEnumerable<string> DecodedLines(string jsonl) =>
        jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
            string.Join('\n', JsonDocument.Parse(line).RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString())));

    private static async Task<(string Id, int Count)> ExportAsync(HttpClient client)
    {
        var response = await client.PostAsync("/api/quality/datasets", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var manifest = JsonDocument.Parse(body).RootElement;
        return (manifest.GetProperty("datasetId").GetString()!, manifest.GetProperty("count").GetInt32());
    }

    private static async Task<(string Id, string Answer)> ChatCompletionAsync(HttpClient client, string prompt, bool stream)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new
            {
                model = PlatformFixture.FakeDeployment,
                stream,
                messages = new[] { new { role = "user", content = prompt } },
            }),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!stream)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            var root = JsonDocument.Parse(body).RootElement;
            return (root.GetProperty("id").GetString()!, root.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!);
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string? id = null;
        var text = new StringBuilder();
        foreach (var (_, data) in await ServerSentEventsAsync(response))
        {
            if (data == "[DONE]")
            {
                break;
            }
            var chunk = JsonDocument.Parse(data).RootElement;
            id ??= chunk.GetProperty("id").GetString();
            foreach (var choice in chunk.GetProperty("choices").EnumerateArray())
            {
                if (choice.GetProperty("delta").TryGetProperty("content", out var content))
                {
                    text.Append(content.GetString());
                }
            }
        }
        return (id ?? throw new InvalidOperationException("The stream had no chunk."), text.ToString());
    }

    private static async Task<(string Id, string ConversationId, string Answer, int Citations)> PlatformChatAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/chat", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var reply = JsonDocument.Parse(text).RootElement;
        var citations = reply.TryGetProperty("citations", out var c) && c.ValueKind == JsonValueKind.Array ? c.GetArrayLength() : 0;
        return (reply.GetProperty("responseId").GetString()!, reply.GetProperty("conversationId").GetString()!, reply.GetProperty("answer").GetString()!, citations);
    }

    private static async Task<(string Id, string Answer, string[] MaskedPii)> PlatformChatStreamAsync(HttpClient client, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(body) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = new StringBuilder();
        foreach (var (name, data) in await ServerSentEventsAsync(response))
        {
            var payload = JsonDocument.Parse(data).RootElement;
            switch (name)
            {
                case "delta":
                    text.Append(payload.GetProperty("text").GetString());
                    break;
                case "done":
                    return (payload.GetProperty("responseId").GetString()!, text.ToString(),
                        [.. payload.GetProperty("maskedPii").EnumerateArray().Select(t => t.GetString()!)]);
                default:
                    Assert.Fail($"The stream failed: event {name}: {data}");
                    break;
            }
        }
        throw new InvalidOperationException("The stream ended without a done event.");
    }

    /// <summary>The (event name, data) pairs of a whole server-sent-events body.</summary>
    private static async Task<List<(string Name, string Data)>> ServerSentEventsAsync(HttpResponseMessage response)
    {
        var events = new List<(string, string)>();
        var name = "message";
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add((name, line["data: ".Length..]));
                name = "message";
            }
        }
        return events;
    }
}
