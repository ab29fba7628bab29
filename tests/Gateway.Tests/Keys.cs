using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AiAspire.Gateway.Tests;

/// <summary>Calling the admin API.</summary>
internal static class Keys
{
    public sealed record Created(string Id, string Key, string Tenant, string[] Scopes, string[] Models);

    public static HttpRequestMessage Request(HttpMethod method, string path, string? bearer, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (bearer is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + bearer);
        }
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        return request;
    }

    public static async Task<Created> CreateAsync(HttpClient client, string adminKey, object body)
    {
        var response = await client.SendAsync(Request(HttpMethod.Post, "/api/keys", adminKey, body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Expected 201, got {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<Created>(text, EchoedRequest.JsonOptions)!;
    }
}
