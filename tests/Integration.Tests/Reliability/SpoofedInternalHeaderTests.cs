using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AiAspire.Integration.Tests.Reliability;

/// <summary>
/// The gateway owns the internal identity headers: a caller's own <c>x-aiaspire-*</c> headers (tenant, key id, scopes,
/// signature) are dropped and replaced by what its key says, so they can neither change the tenant nor add scopes.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class SpoofedInternalHeaderTests(PlatformFixture platform)
{
    [Fact]
    public async Task SpoofedTenantScopesAndSignature_AreReplacedByTheKeysIdentity()
    {
        var tenant = TenantKeys.NewTenant("spoof-a");
        using var client = platform.CreateClient(await TenantKeys.CreateAsync(platform, tenant, "quality"));
        Spoof(client, victimTenant: "dev");

        var summary = await client.GetFromJsonAsync<JsonElement>("/api/quality/summary");

        Assert.Equal(tenant, summary.GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task SpoofedScopes_DoNotGrantWhatTheKeyLacks()
    {
        using var client = platform.CreateClient(await TenantKeys.CreateAsync(platform, TenantKeys.NewTenant("spoof-c"), "chat"));
        Spoof(client, victimTenant: "dev");

        await (await client.GetAsync("/api/quality/summary")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await client.GetAsync("/api/keys")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await client.PostAsJsonAsync("/v1/retrieve", new { query = "anything" })).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task SpoofedTenant_CannotReachAnotherTenantsDocumentOrConversation()
    {
        var victimTenant = TenantKeys.NewTenant("spoof-v");
        using var victim = platform.CreateClient(await TenantKeys.CreateAsync(platform, victimTenant));
        using var attacker = platform.CreateClient(await TenantKeys.CreateAsync(platform, TenantKeys.NewTenant("spoof-x")));
        Spoof(attacker, victimTenant);

        var id = "spoof-" + Guid.NewGuid().ToString("N")[..12];
        var ingest = await victim.PostAsJsonAsync("/api/documents", new { id, text = "The victim's private notes." });
        Assert.True(ingest.IsSuccessStatusCode, await ingest.Content.ReadAsStringAsync());
        var chat = await victim.PostAsJsonAsync("/api/chat", new { message = "Remember my private note.", model = "local", rag = "off" });
        var chatBody = await chat.Content.ReadAsStringAsync();
        Assert.True(chat.IsSuccessStatusCode, chatBody);
        var conversationId = JsonDocument.Parse(chatBody).RootElement.GetProperty("conversationId").GetString();

        await (await attacker.GetAsync($"/api/documents/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await attacker.DeleteAsync($"/api/documents/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await attacker.PostAsJsonAsync("/api/chat", new { conversationId, message = "And what was it?", model = "local", rag = "off" }))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await victim.GetAsync($"/api/documents/{id}")).StatusCode);
    }

    [Fact]
    public async Task SpoofedHeaders_WithoutAKey_AreUnauthenticated()
    {
        using var client = platform.CreateClient(apiKey: null);
        Spoof(client, victimTenant: "dev");

        await (await client.GetAsync("/api/quality/summary")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.GetAsync("/api/documents")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    /// <summary>Every internal header a service trusts once the gateway has set and signed it, set by the caller instead.</summary>
    private static void Spoof(HttpClient client, string victimTenant)
    {
        var headers = client.DefaultRequestHeaders;
        headers.TryAddWithoutValidation("x-aiaspire-tenant", victimTenant);
        headers.TryAddWithoutValidation("X-AIASPIRE-TENANT", victimTenant);
        headers.TryAddWithoutValidation("x-aiaspire-key-id", "dev");
        headers.TryAddWithoutValidation("x-aiaspire-scopes", "admin chat embeddings retrieve ingest guard feedback quality");
        headers.TryAddWithoutValidation("x-aiaspire-signature", $"t={DateTimeOffset.UtcNow.ToUnixTimeSeconds()};v1={new string('a', 64)}");
    }
}
