using System.Net;
using System.Text.Json;
using AiAspire.Contracts;

namespace AiAspire.FeedbackWorker.Tests;

/// <summary>Redis going away is our failure, not the caller's: 503 problem+json, never a 500, and back when Redis is.</summary>
public sealed class QualityApiOutageTests(FeedbackWorkerApp app) : IClassFixture<FeedbackWorkerApp>
{
    [Fact]
    public async Task Summary_WhileRedisIsDown_Is503ProblemJson_AndRecoversAfterwards()
    {
        using var client = app.CreateClient(Inferences.NewTenant());
        using (var before = await client.GetAsync("/api/quality/summary"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        app.Redis.Stop();
        try
        {
            using var response = await client.GetAsync("/api/quality/summary");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(ProblemTypes.Unavailable, json.RootElement.GetProperty("type").GetString());
        }
        finally
        {
            await app.Redis.StartAsync();
        }

        await Eventually.MatchesAsync(
            async () =>
            {
                using var response = await client.GetAsync("/api/quality/summary");
                return response.StatusCode;
            },
            status => status == HttpStatusCode.OK,
            "the summary answered again after Redis came back");
    }
}
