using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AiAspire.Contracts.Events;
using AiAspire.Orchestrator.Tests.Fakes;
using StackExchange.Redis;

namespace AiAspire.Orchestrator.Tests.Api;

/// <summary>A rating of an answer becomes FeedbackSubmitted (attributed to its model, text masked); answers are captured masked.</summary>
[Collection(OrchestratorCollection.Name)]
public sealed class FeedbackTests
{
    private readonly OrchestratorApp _app;

    public FeedbackTests(OrchestratorApp app)
    {
        _app = app;
        app.Reset();
    }

    private async Task<JsonElement> EventOnAsync(string topic, string responseId)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(_app.Redis.ConnectionString);
        var db = redis.GetDatabase();
        var found = await Eventually.MatchesAsync(
            async () => (await db.StreamRangeAsync(topic)).Select(DataOf).ToList(),
            events => events.Any(e => e.GetProperty(topic == Topics.FeedbackEvents ? "responseId" : "requestId").GetString() == responseId),
            $"an event about {responseId} is on '{topic}'");
        return found.Single(e => e.GetProperty(topic == Topics.FeedbackEvents ? "responseId" : "requestId").GetString() == responseId);
    }

    private static JsonElement DataOf(StreamEntry entry) =>
        JsonDocument.Parse((string)entry["event"]!).RootElement.GetProperty("data").Clone();

    private static async Task<string> AnswerIdAsync(HttpClient client, bool stream = false)
    {
        var response = await Chat.PostAsync(client, Chat.Request($"Write to {FakeGuardrailService.Email}", stream: stream));
        await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Chat.RequestId(response);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RatingAnAnswer_PublishesFeedbackForItsModel_WithTheCorrectionMasked(bool stream)
    {
        using var client = _app.CreateClient("tenant-feedback");
        var answerId = await AnswerIdAsync(client, stream);

        var response = await client.PostAsJsonAsync("/api/feedback", new
        {
            responseId = answerId,
            rating = -1,
            comment = "Too vague",
            correction = $"Please write to {FakeGuardrailService.Email} instead.",
        });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var feedback = await EventOnAsync(Topics.FeedbackEvents, answerId);
        Assert.Equal("tenant-feedback", feedback.GetProperty("tenant").GetString());
        Assert.Equal(FakeRouterService.Deployment, feedback.GetProperty("model").GetString());
        Assert.Equal(FeedbackRatings.Down, feedback.GetProperty("rating").GetString());
        Assert.Equal("Too vague", feedback.GetProperty("comment").GetString());
        Assert.Equal($"Please write to {FakeGuardrailService.Placeholder} instead.", feedback.GetProperty("correction").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EveryAnswer_IsCapturedForRetraining_InMaskedFormOnly(bool stream)
    {
        using var client = _app.CreateClient("tenant-capture");
        var answerId = await AnswerIdAsync(client, stream);

        var interaction = await EventOnAsync(InteractionCaptured.TopicName, answerId);

        Assert.Equal(FakeRouterService.Deployment, interaction.GetProperty("model").GetString());
        var raw = interaction.GetRawText();
        Assert.DoesNotContain(FakeGuardrailService.Email, raw);
        Assert.Contains(FakeGuardrailService.Placeholder, interaction.GetProperty("messages").EnumerateArray().Last().GetProperty("content").GetString());
        Assert.False(string.IsNullOrEmpty(interaction.GetProperty("response").GetString()));
    }

    [Fact]
    public async Task AnswerOfAnotherTenant_CannotBeRated()
    {
        using var owner = _app.CreateClient("tenant-owner");
        var answerId = await AnswerIdAsync(owner);
        using var stranger = _app.CreateClient("tenant-stranger");

        var response = await stranger.PostAsJsonAsync("/api/feedback", new { responseId = answerId, rating = 1 });

        await Chat.AssertProblemAsync(response, HttpStatusCode.NotFound, "https://aiaspire.dev/problems/not-found");
    }

    [Theory]
    [InlineData("""{"responseId":"chatcmpl-00000000000000000000000000000000","rating":1}""", HttpStatusCode.NotFound)]
    [InlineData("""{"responseId":"not-an-id","rating":1}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"responseId":"chatcmpl-00000000000000000000000000000000","rating":5}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"responseId":"chatcmpl-00000000000000000000000000000000"}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"responseId":"chatcmpl-00000000000000000000000000000000","rating":"up"}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"responseId":""", HttpStatusCode.BadRequest)]
    public async Task BadFeedback_Is4xxProblemJson(string body, HttpStatusCode status)
    {
        using var client = _app.CreateClient("tenant-feedback");

        var response = await client.PostAsync("/api/feedback", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
