using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.Orchestrator.Feedback;

/// <summary>
/// Remembers which model and route produced each answer, per tenant, so feedback on an answer id can be attributed
/// (and an id of another tenant, or an unknown one, is refused).
/// </summary>
public sealed class ResponseLedger(IConnectionMultiplexer redis, IOptionsMonitor<FeedbackOptions> options)
{
    public async Task RecordAsync(string tenant, string responseId, string model, string route)
    {
        var key = Key(tenant, responseId);
        var db = redis.GetDatabase();
        // Sent together (one round trip on the request's path); the connection keeps their order.
        await Task.WhenAll(
            db.HashSetAsync(key, [new("model", model), new("route", route)]),
            db.KeyExpireAsync(key, options.CurrentValue.ResponseRetention));
    }

    public async Task<(string Model, string Route)?> FindAsync(string tenant, string responseId)
    {
        var values = await redis.GetDatabase().HashGetAsync(Key(tenant, responseId), ["model", "route"]);
        return values[0].IsNull ? null : (values[0].ToString(), values[1].ToString());
    }

    private static string Key(string tenant, string responseId) =>
        $"aiaspire:orchestrator:response:{{{Uri.EscapeDataString(tenant)}}}:{responseId}";
}
