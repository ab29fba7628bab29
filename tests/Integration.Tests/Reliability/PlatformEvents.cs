using System.Text;
using System.Text.Json;
using StackExchange.Redis;

namespace AiAspire.Integration.Tests.Reliability;

/// <summary>Every event the platform has published: each entry of each Redis stream (the event bus's topics and dead letters).</summary>
internal sealed class PlatformEvents(IReadOnlyList<PlatformEvents.Entry> entries)
{
    /// <summary>One stream entry: its fields as stored, and every string inside the JSON ones, decoded (escapes undone).</summary>
    public sealed record Entry(string Stream, string Id, IReadOnlyList<string> Texts)
    {
        public override string ToString() => $"{Stream} {Id}: {Texts.FirstOrDefault(t => t.StartsWith('{'))}";
    }

    public IReadOnlyList<Entry> Entries => entries;

    public IEnumerable<Entry> In(string stream) => entries.Where(e => e.Stream == stream);

    public static async Task<PlatformEvents> ReadAsync(IConnectionMultiplexer redis)
    {
        var db = redis.GetDatabase();
        var entries = new List<Entry>();
        foreach (var endpoint in redis.GetEndPoints())
        {
            await foreach (var key in redis.GetServer(endpoint).KeysAsync(pattern: "*", pageSize: 1000))
            {
                if (await db.KeyTypeAsync(key) != RedisType.Stream)
                {
                    continue;
                }
                foreach (var entry in await db.StreamRangeAsync(key, "-", "+"))
                {
                    var texts = new List<string>();
                    foreach (var field in entry.Values)
                    {
                        texts.Add(field.Name.ToString());
                        var value = (byte[])field.Value!;
                        var text = Encoding.UTF8.GetString(value);
                        texts.Add(text);
                        AddDecodedStrings(text, texts);
                    }
                    entries.Add(new Entry(key.ToString(), entry.Id.ToString(), texts));
                }
            }
        }
        return new PlatformEvents(entries);
    }

    /// <summary>The JSON payload of an event's CloudEvent envelope (its <c>data</c>), or null when the entry is no event.</summary>
    public static JsonElement? DataOf(Entry entry)
    {
        foreach (var text in entry.Texts)
        {
            if (text.StartsWith('{') && TryParse(text) is { } json && json.TryGetProperty("data", out var data))
            {
                return data;
            }
        }
        return null;
    }

    // JSON may escape characters (System.Text.Json writes '+' as \u002B): compare against the decoded strings too,
    // and against JSON nested inside strings.
    private static void AddDecodedStrings(string text, List<string> into, int depth = 0)
    {
        if (depth > 4 || text.Length == 0 || text[0] is not ('{' or '[') || TryParse(text) is not { } json)
        {
            return;
        }
        Walk(json, into, depth);
    }

    private static void Walk(JsonElement element, List<string> into, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    into.Add(property.Name);
                    Walk(property.Value, into, depth);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, into, depth);
                }
                break;
            case JsonValueKind.String:
                var value = element.GetString()!;
                into.Add(value);
                AddDecodedStrings(value, into, depth + 1);
                break;
            default:
                into.Add(element.GetRawText());
                break;
        }
    }

    private static JsonElement? TryParse(string text)
    {
        try
        {
            return JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
