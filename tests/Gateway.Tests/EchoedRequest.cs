using System.Text.Json;

namespace AiAspire.Gateway.Tests;

/// <summary>What a backend behind the gateway received.</summary>
/// <param name="Headers">By lower-cased name: every value the backend received.</param>
/// <param name="BodySha256">Lower-case hex SHA-256 of the body the backend received.</param>
public sealed record EchoedRequest(string Service, string Method, string Path, string Query, Dictionary<string, string[]> Headers, string BodySha256 = "")
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public string[] Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var values) ? values : [];
}
