using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AiAspire.Integration.Tests.Reliability;

/// <summary>Stored API keys for fresh tenants, created through /api/keys with the operator's (dev) key.</summary>
internal static class TenantKeys
{
    public static readonly string[] AllScopes = ["admin", "chat", "embeddings", "feedback", "guard", "ingest", "quality", "retrieve"];

    /// <summary>A tenant name no other test uses.</summary>
    public static string NewTenant(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 64)];

    public static async Task<string> CreateAsync(PlatformFixture platform, string tenant, params string[] scopes)
    {
        using var operatorClient = platform.CreateClient();
        var response = await operatorClient.PostAsJsonAsync("/api/keys", new
        {
            tenant,
            name = "reliability tests",
            scopes = scopes.Length == 0 ? AllScopes : scopes,
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Creating a key for {tenant}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!;
    }
}
