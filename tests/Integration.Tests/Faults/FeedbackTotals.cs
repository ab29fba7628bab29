using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AiAspire.TestKit;
using StackExchange.Redis;

namespace AiAspire.Integration.Tests.Faults;

/// <summary>
/// What the FeedbackWorker counted for a tenant (its quality summary's total requests, one per InferenceCompleted
/// event), read once nothing more can change it: the count reached what was expected (or the wait ran out), and the
/// worker has read and acknowledged every entry of the inference stream.
/// </summary>
internal static class FeedbackTotals
{
    private const string ConsumerGroup = "feedbackworker";
    private const string InferenceEvents = "inference-events";

    /// <summary>The tenant's total requests, or -1 while the quality API does not answer.</summary>
    public static async Task<long> RequestsAsync(HttpClient tenantClient)
    {
        using var response = await tenantClient.GetAsync("/api/quality/summary");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return -1;
        }
        var summary = await response.Content.ReadFromJsonAsync<JsonElement>();
        return summary.GetProperty("total").GetProperty("requests").GetInt64();
    }

    /// <summary>Waits (bounded) for <paramref name="expected"/>, then until the stream is drained, and reads the count.</summary>
    public static async Task<long> SettledAsync(FaultsFixture platform, HttpClient tenantClient, long expected)
    {
        var clock = Stopwatch.StartNew();
        while (await RequestsAsync(tenantClient) < expected && clock.Elapsed < FaultsFixture.RestartTimeout)
        {
            await Task.Delay(250);
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(platform.RedisConnectionString + ",abortConnect=false");
        var db = redis.GetDatabase();
        await Eventually.HoldsAsync(async () =>
        {
            var stream = await db.StreamInfoAsync(InferenceEvents);
            var group = (await db.StreamGroupInfoAsync(InferenceEvents)).FirstOrDefault(g => g.Name == ConsumerGroup);
            return group.Name is not null && group.PendingMessageCount == 0 && group.LastDeliveredId == stream.LastGeneratedId;
        }, "the FeedbackWorker has read and acknowledged every inference event", FaultsFixture.RestartTimeout);

        return await Eventually.MatchesAsync(() => RequestsAsync(tenantClient), n => n >= 0, "the quality API answers", FaultsFixture.RestartTimeout);
    }
}
