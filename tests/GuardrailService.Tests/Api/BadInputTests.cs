using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace AiAspire.GuardrailService.Tests.Api;

/// <summary>Every guard endpoint answers bad input with a 4xx problem and stays up.</summary>
public sealed class BadInputTests(GuardrailApp app) : IClassFixture<GuardrailApp>
{
    public static TheoryData<string> Paths => new() { "/v1/guard/input", "/v1/guard/output", "/v1/guard/documents" };

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    [Theory]
    [InlineData("/v1/guard/input", """{"messages":[{"role":"user","content":"a#b"}]}""")]
    [InlineData("/v1/guard/output", """{"text":"a#b"}""")]
    [InlineData("/v1/guard/documents", """{"documents":[{"text":"a#b"}]}""")]
    public async Task Request_InvalidUtf8InTheText_Returns400Problem(string path, string template)
    {
        using var client = app.CreateClient("tenant-a");
        var body = Encoding.UTF8.GetBytes(template);
        body[Array.IndexOf(body, (byte)'#')] = 0xFF; // a byte that never occurs in UTF-8, inside an otherwise valid body

        await AssertProblemAsync(await client.PostAsync(path, Json(body)), HttpStatusCode.BadRequest);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Request_DeeplyNestedJson_Returns400Problem(string path)
    {
        using var client = app.CreateClient("tenant-a");
        var body = Encoding.UTF8.GetBytes("""{"text":""" + new string('[', 10_000) + new string(']', 10_000) + "}");

        await AssertProblemAsync(await client.PostAsync(path, Json(body)), HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/v1/guard/input", """{"messages":[{"role":"user","content":"TEXT"}]}""")]
    [InlineData("/v1/guard/output", """{"text":"TEXT"}""")]
    [InlineData("/v1/guard/documents", """{"documents":[{"text":"TEXT"}]}""")]
    public async Task Request_TextOverTheCharacterLimit_Returns400ProblemAndTheServiceStaysUp(string path, string template)
    {
        using var client = app.CreateClient("tenant-a");
        var huge = new string('a', 1_000_001);

        var response = await client.PostAsync(path, Json(Encoding.UTF8.GetBytes(template.Replace("TEXT", huge, StringComparison.Ordinal))));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var health = await client.PostAsync(path, Json(Encoding.UTF8.GetBytes(template.Replace("TEXT", "hello", StringComparison.Ordinal))));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
