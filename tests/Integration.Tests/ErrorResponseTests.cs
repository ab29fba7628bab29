using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace AiAspire.Integration.Tests;

[Collection(PlatformCollection.Name)]
public sealed class ErrorResponseTests(PlatformFixture platform)
{
    [Fact]
    public async Task NoApiKey_Gets401ProblemJson()
    {
        using var client = platform.CreateClient(apiKey: null);

        var response = await client.PostAsJsonAsync("/v1/chat/completions", new { model = "local", messages = new[] { new { role = "user", content = "hi" } } });

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task WrongApiKey_Gets401ProblemJson()
    {
        using var client = platform.CreateClient(apiKey: "sk-not-a-key");

        var response = await client.GetAsync("/v1/models");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task MalformedJson_Gets400ProblemJson()
    {
        using var client = platform.CreateClient();

        var response = await client.PostAsync("/v1/chat/completions",
            new StringContent("{\"model\": \"local\", \"messages\": [", Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task SpoofedTenantHeader_IsReplacedByTheKeysTenant()
    {
        using var client = platform.CreateClient();
        client.DefaultRequestHeaders.Add("x-aiaspire-tenant", "someone-else");

        var summary = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/quality/summary");

        Assert.Equal("dev", summary.GetProperty("tenant").GetString());
    }

    [Theory]
    [InlineData("orchestrator", "/v1/models")]
    [InlineData("feedbackworker", "/api/quality/summary")]
    [InlineData("ragservice", "/api/documents")]
    public async Task ServiceCalledDirectly_WithAForgedTenantHeader_Is401(string service, string path)
    {
        using var client = platform.CreateServiceClient(service);
        client.DefaultRequestHeaders.Add("x-aiaspire-tenant", "dev");
        client.DefaultRequestHeaders.Add("x-aiaspire-key-id", "dev");
        client.DefaultRequestHeaders.Add("x-aiaspire-scopes", "admin chat quality ingest");

        var response = await client.GetAsync(path);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
