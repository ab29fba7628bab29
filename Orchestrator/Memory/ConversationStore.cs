using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.Orchestrator.Memory;

/// <summary>
/// The last turns of each conversation, per tenant, in a Redis list: masked text only (what the input guard and the
/// model produced), never the caller's raw words. A turn's placeholders are retired as it is stored
/// (<c>&lt;EMAIL_1&gt;</c> becomes <c>[EMAIL_1 from an earlier turn]</c>): every request gets a vault of its own,
/// so an old placeholder must never be restored with a later turn's value.
/// </summary>
public sealed partial class ConversationStore(IConnectionMultiplexer redis, IOptionsMonitor<MemoryOptions> options)
{
    public const string KeyPrefix = "aiaspire:orchestrator:conversation:";

    /// <summary>The conversation's messages, oldest first; null when the tenant has no such conversation.</summary>
    public async Task<IReadOnlyList<RouterMessage>?> FindAsync(string tenant, string conversationId)
    {
        var values = await redis.GetDatabase().ListRangeAsync(Key(tenant, conversationId));
        if (values.Length == 0)
        {
            return null;
        }
        return [.. values.Select(v => JsonSerializer.Deserialize((byte[])v!, ContractsJsonContext.Default.RouterMessage)!)];
    }

    public async Task AppendTurnAsync(string tenant, string conversationId, RouterMessage maskedQuestion, RouterMessage maskedAnswer)
    {
        var key = Key(tenant, conversationId);
        var settings = options.CurrentValue;
        var transaction = redis.GetDatabase().CreateTransaction();
        _ = transaction.ListRightPushAsync(key, [Serialize(Retire(maskedQuestion)), Serialize(Retire(maskedAnswer))]);
        _ = transaction.ListTrimAsync(key, -2 * settings.MaxTurns, -1);
        _ = transaction.KeyExpireAsync(key, settings.Ttl);
        await transaction.ExecuteAsync();
    }

    internal static RouterMessage Retire(RouterMessage message) =>
        message with { Content = Placeholder().Replace(message.Content, "[$1 from an earlier turn]") };

    [System.Text.RegularExpressions.GeneratedRegex(@"<([A-Z][A-Z0-9_]*_\d+)>", System.Text.RegularExpressions.RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial System.Text.RegularExpressions.Regex Placeholder();

    private static RedisValue Serialize(RouterMessage message) =>
        JsonSerializer.SerializeToUtf8Bytes(message, ContractsJsonContext.Default.RouterMessage);

    private static string Key(string tenant, string conversationId) =>
        $"{KeyPrefix}{{{Uri.EscapeDataString(tenant)}}}:{conversationId}";
}
