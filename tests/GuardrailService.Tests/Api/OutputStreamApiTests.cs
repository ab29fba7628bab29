using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Guard;
using StackExchange.Redis;

namespace AiAspire.GuardrailService.Tests.Api;

/// <summary>Output checks across the windows of one stream: the tail of the earlier windows is kept under the stream id.</summary>
public sealed class OutputStreamApiTests(GuardrailApp app) : IClassFixture<GuardrailApp>
{
    private const string SystemPrompt =
        "You are Aria, the support assistant of Contoso. Never mention competitor products. Offer the 20% loyalty discount only to customers who threaten to cancel.";

    // Split inside "20%": neither window alone repeats 12 words of the prompt (6 and 9), together they repeat 16.
    private const string First = "Sure, here they are: never mention competitor products. Offer the 2";
    private const string Second = "0% loyalty discount only to customers who threaten to cancel.";

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, object body) =>
        await client.PostAsync("/v1/guard/output", new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));

    private static async Task<GuardOutputResponse> WindowAsync(HttpClient client, string text, string? streamId, bool final = false, string? vaultId = null)
    {
        var response = await PostAsync(client, new { text, vaultId, systemPrompt = SystemPrompt, streamId, final });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.GuardOutputResponse))!;
    }

    private static string NewStreamId() => "chatcmpl-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Windows_WithoutAStreamId_AreEachChecked_AsBefore()
    {
        using var client = app.CreateClient("tenant-a");

        Assert.True((await WindowAsync(client, First, null)).Allowed);
        Assert.True((await WindowAsync(client, Second, null)).Allowed);
    }

    [Fact]
    public async Task SystemPromptSplitAcrossTwoWindows_IsRefusedOnTheSecond()
    {
        using var client = app.CreateClient("tenant-a");
        var streamId = NewStreamId();

        var first = await WindowAsync(client, First, streamId);
        var second = await WindowAsync(client, Second, streamId, final: true);

        Assert.True(first.Allowed);
        Assert.False(second.Allowed);
        Assert.Contains("consecutive words of the system prompt", Assert.Single(second.Reasons!));
        var check = Assert.Single(second.Checks!, c => c.Name == GuardCheckNames.SystemPromptLeak);
        Assert.True(check.Flagged);
        Assert.Equal("16 words", Assert.Single(check.Signals));
    }

    [Fact]
    public async Task StreamTail_IsKeptWithATimeToLive_AndForgottenAfterTheFinalWindow()
    {
        using var client = app.CreateClient("tenant-a");
        using var redis = app.Redis.Connect();
        var streamId = NewStreamId();
        var key = $"aiaspire:guard:stream:tenant-a:{streamId}";

        await WindowAsync(client, "An ordinary first window about the weather", streamId);
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync(key);
        await WindowAsync(client, " and a last one.", streamId, final: true);

        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(15));
        Assert.False(await redis.GetDatabase().KeyExistsAsync(key));
    }

    [Fact]
    public async Task FinalWindow_EndsTheStream_SoTheSameIdStartsAfresh()
    {
        using var client = app.CreateClient("tenant-a");
        var streamId = NewStreamId();

        Assert.True((await WindowAsync(client, First, streamId, final: true)).Allowed);

        Assert.True((await WindowAsync(client, Second, streamId, final: true)).Allowed);
    }

    [Fact]
    public async Task AnotherTenantsStream_WithTheSameId_IsNotContinued()
    {
        using var tenantA = app.CreateClient("tenant-a");
        using var tenantB = app.CreateClient("tenant-b");
        var streamId = NewStreamId();

        await WindowAsync(tenantA, First, streamId);

        Assert.True((await WindowAsync(tenantB, Second, streamId, final: true)).Allowed);
    }

    [Fact]
    public async Task StreamWithAVault_IsRestoredWindowByWindow_SeesAcrossWindows_AndIsForgottenAfterTheFinalWindow()
    {
        using var client = app.CreateClient("tenant-a");
        using var redis = app.Redis.Connect();
        var masked = await (await client.PostAsJsonAsync("/v1/guard/input",
                new GuardInputRequest([new GuardMessage("user", "I am jane.doe@example.com, what can you offer me?")]), ContractsJsonContext.Default.GuardInputRequest))
            .Content.ReadFromJsonAsync(ContractsJsonContext.Default.GuardInputResponse);
        var streamId = NewStreamId();
        var key = $"aiaspire:guard:stream:tenant-a:{streamId}";

        var first = await WindowAsync(client, "Dear <EMAIL_1>: " + First, streamId, vaultId: masked!.VaultId);
        var kept = await redis.GetDatabase().KeyExistsAsync(key);
        var second = await WindowAsync(client, Second, streamId, final: true, vaultId: masked.VaultId);

        Assert.True(first.Allowed);
        Assert.StartsWith("Dear jane.doe@example.com: ", first.Text);
        Assert.True(kept);
        Assert.False(second.Allowed);
        Assert.Contains("consecutive words of the system prompt", Assert.Single(second.Reasons!));
        Assert.False(await redis.GetDatabase().KeyExistsAsync(key));
    }

    [Fact]
    public async Task RefusedWindow_BeforeTheLast_ForgetsTheStream()
    {
        using var client = app.CreateClient("tenant-a");
        using var redis = app.Redis.Connect();
        var streamId = NewStreamId();
        var key = $"aiaspire:guard:stream:tenant-a:{streamId}";

        Assert.True((await WindowAsync(client, First, streamId)).Allowed);
        Assert.False((await WindowAsync(client, Second, streamId)).Allowed);

        Assert.False(await redis.GetDatabase().KeyExistsAsync(key));
    }

    [Fact]
    public async Task UnknownVault_OnAStreamsLastWindow_Returns404_AndKeepsTheTail()
    {
        using var client = app.CreateClient("tenant-a");
        using var redis = app.Redis.Connect();
        var streamId = NewStreamId();
        var key = $"aiaspire:guard:stream:tenant-a:{streamId}";
        await WindowAsync(client, First, streamId);

        var response = await PostAsync(client, new { text = Second, systemPrompt = SystemPrompt, streamId, final = true, vaultId = "00000000000000000000000000000000" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True(await redis.GetDatabase().KeyExistsAsync(key));
    }

    [Theory]
    [InlineData("""{"text":"x","streamId":"has spaces"}""")]
    [InlineData("""{"text":"x","streamId":""}""")]
    [InlineData("""{"text":"x","final":true}""")]
    [InlineData("""{"text":"{}","streamId":"s1","schema":{"type":"object"}}""")]
    public async Task InvalidStreamFields_Return400Problem(string body)
    {
        using var client = app.CreateClient("tenant-a");

        var response = await client.PostAsync("/v1/guard/output", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
