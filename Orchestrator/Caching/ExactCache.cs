using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using StackExchange.Redis;

namespace AiAspire.Orchestrator.Caching;

/// <summary>
/// Completions in Redis under the tenant and the SHA-256 of the canonical request. Only masked text is stored: the
/// messages are hashed, never kept, and the answer is the model's own (placeholders and all).
/// </summary>
public sealed class ExactCache(IConnectionMultiplexer redis)
{
    public const string KeyPrefix = "aiaspire:orchestrator:exact:";

    public static string Key(string tenant, CompletionRequest request, string? pipeline = null) =>
        CacheKeys.Of(KeyPrefix, tenant, (request, pipeline), static (json, state) => WriteCanonical(json, state.request, state.pipeline));

    /// <summary>
    /// Every parameter that changes the answer, written in one fixed order. <paramref name="pipeline"/> names what
    /// prepared the prompt (template id@version, the steps that ran: whether the input was guarded and masked), so a
    /// new template version or a changed guard policy never serves an answer made under the old one.
    /// </summary>
    internal static byte[] Canonical(CompletionRequest request, string? pipeline = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            WriteCanonical(json, request, pipeline);
        }
        return buffer.ToArray();
    }

    private static void WriteCanonical(Utf8JsonWriter json, CompletionRequest request, string? pipeline)
    {
        json.WriteStartObject();
        json.WriteString("pipeline", pipeline);
        json.WriteString("model", request.Model);
        json.WriteString("strategy", request.Strategy);
        json.WriteStartArray("messages");
        foreach (var message in request.Messages)
        {
            json.WriteStartArray();
            json.WriteStringValue(message.Role);
            json.WriteStringValue(message.Content);
            if (message.ToolCallId is not null || message.ToolCalls is not null)
            {
                json.WriteStringValue(message.ToolCallId);
                WriteToolCalls(json, message.ToolCalls);
            }
            json.WriteEndArray();
        }
        json.WriteEndArray();
        json.WriteStartArray("tools");
        foreach (var tool in request.Tools ?? [])
        {
            json.WriteStartArray();
            json.WriteStringValue(tool.Name);
            json.WriteStringValue(tool.Description);
            if (tool.Parameters is { } parameters)
            {
                parameters.WriteTo(json);
            }
            else
            {
                json.WriteNullValue();
            }
            json.WriteEndArray();
        }
        json.WriteEndArray();
        json.WriteString("tool_choice", request.ToolChoice is { } choice ? $"{choice.Mode}:{choice.FunctionName}" : null);
        WriteNumber(json, "temperature", request.Temperature);
        WriteNumber(json, "top_p", request.TopP);
        WriteNumber(json, "max_tokens", request.MaxTokens);
        WriteNumber(json, "seed", request.Seed);
        json.WriteStartArray("stop");
        foreach (var stop in request.Stop ?? [])
        {
            json.WriteStringValue(stop);
        }
        json.WriteEndArray();
        json.WritePropertyName("response_format");
        if (request.ResponseFormat is { } format)
        {
            format.WriteTo(json);
        }
        else
        {
            json.WriteNullValue();
        }
        json.WriteEndObject();
    }

    public async Task<CompletionResponse?> GetAsync(string key, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var value = await redis.GetDatabase().StringGetAsync(key).WaitAsync(timeout, cancellationToken);
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize((byte[])value!, ContractsJsonContext.Default.CompletionResponse);
    }

    /// <summary>
    /// Stores without waiting for Redis to answer (fire and forget): a store is best effort, and the request need not
    /// wait a round trip for it. Commands on one connection run in order, so a later lookup through this orchestrator
    /// sees the entry.
    /// </summary>
    /// <exception cref="RedisException">The command could not even be queued (e.g. no connection).</exception>
    public void Set(string key, CompletionResponse maskedCompletion, TimeSpan ttl)
    {
        var value = JsonSerializer.SerializeToUtf8Bytes(maskedCompletion, ContractsJsonContext.Default.CompletionResponse);
        _ = redis.GetDatabase().StringSetAsync(key, value, ttl, flags: CommandFlags.FireAndForget);
    }

    private static void WriteToolCalls(Utf8JsonWriter json, IReadOnlyList<ToolCall>? calls)
    {
        json.WriteStartArray();
        foreach (var call in calls ?? [])
        {
            json.WriteStringValue(call.Id);
            json.WriteStringValue(call.Name);
            json.WriteStringValue(call.Arguments);
        }
        json.WriteEndArray();
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteString(name, v.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
