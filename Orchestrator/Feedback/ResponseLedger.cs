using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.Orchestrator.Feedback;

/// <summary>
/// Remembers which model and route produced each answer, per tenant, so feedback on an answer id can be attributed
/// (and an id of another tenant, or an unknown one, is refused).
/// </summary>
public sealed class ResponseLedger(IConnectionMultiplexer redis, IOptionsMonitor<FeedbackOptions> options)
{
    /// <summary>
    /// Sends the record before the answer leaves, without waiting for Redis's reply: the answer does not wait on a round
    /// trip. Feedback can only name this answer once its caller has it, by then the record is long in Redis; and this
    /// process's own later lookups go down the same connection after it.
    /// </summary>
    /// <returns>Completes when Redis has stored the record (or failed to): for logging a failure, not for waiting on.</returns>
    public Task RecordAsync(string tenant, string responseId, string model, string route)
    {
        var key = Key(tenant, responseId);
        var db = redis.GetDatabase();
        // The connection keeps their order.
        return Task.WhenAll(
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
