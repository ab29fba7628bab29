using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AiAspire.Contracts;
using AiAspire.Contracts.Guard;
using AiAspire.GuardrailService.Pii;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AiAspire.GuardrailService.Tests.Api;

public sealed class GuardApiTests(GuardrailApp app) : IClassFixture<GuardrailApp>
{
    private static async Task<GuardInputResponse> MaskAsync(HttpClient client, params GuardMessage[] messages)
    {
        var response = await client.PostAsJsonAsync("/v1/guard/input", new GuardInputRequest(messages), ContractsJsonContext.Default.GuardInputRequest);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.GuardInputResponse))!;
    }

    private static Task<HttpResponseMessage> RestoreAsync(HttpClient client, string text, string? vaultId) =>
        client.PostAsJsonAsync("/v1/guard/output", new GuardOutputRequest(text, vaultId), ContractsJsonContext.Default.GuardOutputRequest);

    private static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string path, string body, string mediaType = "application/json") =>
        client.PostAsync(path, new StringContent(body, Encoding.UTF8, mediaType));

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(type, problem.GetProperty("type").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    [Fact]
    public async Task Input_WithPii_MasksEveryMessageAndReturnsVaultId()
    {
        using var client = app.CreateClient("tenant-a");

        var result = await MaskAsync(client,
            new GuardMessage("system", "You are helpful."),
            new GuardMessage("user", "I'm jane@example.com, card 4111 1111 1111 1111."),
            new GuardMessage("user", "Did you get jane@example.com?"));

        Assert.True(result.Allowed);
        Assert.Empty(result.Reasons);
        Assert.Matches("^[0-9a-f]{32}$", result.VaultId);
        Assert.Equal(
            [new GuardMessage("system", "You are helpful."),
             new GuardMessage("user", "I'm <EMAIL_1>, card <CREDIT_CARD_1>."),
             new GuardMessage("user", "Did you get <EMAIL_1>?")],
            result.Messages);
        Assert.Equal(
            [new GuardFinding(PiiTypes.Email, 1, 4, 20, EmailRecognizer.MatchScore, GuardActions.Mask),
             new GuardFinding(PiiTypes.CreditCard, 1, 27, 46, CreditCardRecognizer.KnownNetworkScore, GuardActions.Mask),
             new GuardFinding(PiiTypes.Email, 2, 12, 28, EmailRecognizer.MatchScore, GuardActions.Mask)],
            result.Findings);
    }

    [Fact]
    public async Task Input_WithoutPii_ReturnsNullVaultIdAndUnchangedMessages()
    {
        using var client = app.CreateClient("tenant-a");

        var response = await PostRawAsync(client, "/v1/guard/input", """{"messages":[{"role":"user","content":"hello"}]}""");
        var json = await response.Content.ReadAsStringAsync();
        var result = JsonSerializer.Deserialize(json, ContractsJsonContext.Default.GuardInputResponse)!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(result.VaultId);
        Assert.Equal("hello", Assert.Single(result.Messages).Content);
        Assert.Empty(result.Findings);
        Assert.Contains("\"reasons\":[]", json);
    }

    [Fact]
    public async Task Output_WithVault_RestoresThePlaceholdersExactly()
    {
        using var client = app.CreateClient("tenant-a");
        var masked = await MaskAsync(client, new GuardMessage("user", "Email bob.smith@example.com about 5555-5555-5555-4444"));

        var response = await RestoreAsync(client, "Sure: I emailed <EMAIL_1> about card <CREDIT_CARD_1>. <EMAIL_9> stays.", masked.VaultId);
        var result = await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.GuardOutputResponse);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(result!.Allowed);
        Assert.Equal("Sure: I emailed bob.smith@example.com about card 5555-5555-5555-4444. <EMAIL_9> stays.", result.Text);
        Assert.Empty(result.Findings);
    }

    [Fact]
    public async Task Output_ModelWritesPiiInTheClear_ReportsItWithoutChangingIt()
    {
        using var client = app.CreateClient("tenant-a");

        var response = await RestoreAsync(client, "Write to leak@example.com", vaultId: null);
        var result = await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.GuardOutputResponse);

        Assert.Equal("Write to leak@example.com", result!.Text);
        Assert.Equal([new GuardFinding(PiiTypes.Email, 0, 9, 25, EmailRecognizer.MatchScore, GuardActions.Leak)], result.Findings);
        Assert.True(result.Allowed);
    }

    [Fact]
    public async Task Output_WithoutVaultId_ReturnsTextUnchanged()
    {
        using var client = app.CreateClient("tenant-a");

        var response = await RestoreAsync(client, "Hello <EMAIL_1>", vaultId: null);
        var result = await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.GuardOutputResponse);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Hello <EMAIL_1>", result!.Text);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("does-not-exist")]
    public async Task Output_UnknownVault_Returns404Problem(string vaultId)
    {
        using var client = app.CreateClient("tenant-a");

        var problem = await AssertProblemAsync(await RestoreAsync(client, "Hi <EMAIL_1>", vaultId), HttpStatusCode.NotFound, ProblemTypes.NotFound);

        Assert.Contains("expired", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Output_VaultOfAnotherTenant_Returns404AndRestoresNothing()
    {
        using var owner = app.CreateClient("tenant-a");
        using var intruder = app.CreateClient("tenant-b");
        var masked = await MaskAsync(owner, new GuardMessage("user", "secret: owner@example.com"));

        var response = await RestoreAsync(intruder, "<EMAIL_1>", masked.VaultId);

        await AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        Assert.DoesNotContain("owner@example.com", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/v1/guard/input", """{"messages":[{"role":"user","content":"a@b.co"}]}""")]
    [InlineData("/v1/guard/output", """{"text":"hi","vaultId":null}""")]
    public async Task Request_WithoutTenantHeader_Returns401Problem(string path, string body)
    {
        using var client = app.CreateClient(tenant: null);

        await AssertProblemAsync(await PostRawAsync(client, path, body), HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
    }

    [Theory]
    [InlineData("/v1/guard/input", """{"messages":[{"role":"user","content":"unterminated""")]
    [InlineData("/v1/guard/input", """{"messages":"not a list"}""")]
    [InlineData("/v1/guard/input", "null")]
    [InlineData("/v1/guard/output", "{")]
    [InlineData("/v1/guard/output", """{"text":42}""")]
    public async Task Request_MalformedJson_Returns400Problem(string path, string body)
    {
        using var client = app.CreateClient("tenant-a");

        await AssertProblemAsync(await PostRawAsync(client, path, body), HttpStatusCode.BadRequest, ProblemTypes.InvalidJson);
    }

    [Fact]
    public async Task Request_NotJson_Returns415Problem()
    {
        using var client = app.CreateClient("tenant-a");

        var response = await PostRawAsync(client, "/v1/guard/input", "messages=hi", "application/x-www-form-urlencoded");

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, ProblemTypes.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("{}", "'messages'")]
    [InlineData("""{"messages":[]}""", "'messages'")]
    [InlineData("""{"messages":[null]}""", "'messages[0]'")]
    [InlineData("""{"messages":[{"role":"user","content":"ok"},{"role":"user","content":null}]}""", "'messages[1].content'")]
    [InlineData("""{"messages":[{"role":"user"}]}""", "'messages[0].content'")]
    [InlineData("""{"messages":[{"content":"x"}]}""", "'messages[0].role'")]
    public async Task Input_InvalidMessages_Returns400ValidationProblem(string body, string mentioned)
    {
        using var client = app.CreateClient("tenant-a");

        var problem = await AssertProblemAsync(await PostRawAsync(client, "/v1/guard/input", body), HttpStatusCode.BadRequest, ProblemTypes.Validation);

        Assert.Contains(mentioned, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Output_NullText_Returns400ValidationProblem()
    {
        using var client = app.CreateClient("tenant-a");

        await AssertProblemAsync(await PostRawAsync(client, "/v1/guard/output", """{"vaultId":null}"""), HttpStatusCode.BadRequest, ProblemTypes.Validation);
    }

    [Fact]
    public async Task Request_OverConfiguredLimits_Returns400ValidationProblem()
    {
        await using var limited = app.Factory.WithWebHostBuilder(builder => builder
            .UseSetting("Guardrails:Limits:MaxMessages", "2")
            .UseSetting("Guardrails:Limits:MaxCharacters", "10"));
        using var client = limited.CreateClient();
        client.DefaultRequestHeaders.Add(AiAspireHeaders.Tenant, "tenant-a");

        var tooMany = await client.PostAsJsonAsync("/v1/guard/input",
            new GuardInputRequest([new("user", "a"), new("user", "b"), new("user", "c")]), ContractsJsonContext.Default.GuardInputRequest);
        var tooLong = await client.PostAsJsonAsync("/v1/guard/input",
            new GuardInputRequest([new("user", "123456"), new("user", "123456")]), ContractsJsonContext.Default.GuardInputRequest);
        var outputTooLong = await RestoreAsync(client, "12345678901", null);
        var withinLimits = await client.PostAsJsonAsync("/v1/guard/input",
            new GuardInputRequest([new("user", "12345"), new("user", "12345")]), ContractsJsonContext.Default.GuardInputRequest);

        Assert.Contains("at most 2", (await AssertProblemAsync(tooMany, HttpStatusCode.BadRequest, ProblemTypes.Validation)).GetProperty("detail").GetString());
        Assert.Contains("at most 10", (await AssertProblemAsync(tooLong, HttpStatusCode.BadRequest, ProblemTypes.Validation)).GetProperty("detail").GetString());
        await AssertProblemAsync(outputTooLong, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Equal(HttpStatusCode.OK, withinLimits.StatusCode);
    }

    private sealed class TimingOutRecognizer : IPiiRecognizer
    {
        public IReadOnlyCollection<string> SupportedTypes => ["SLOW"];

        public IEnumerable<PiiFinding> Recognize(string text) =>
            throw new RegexMatchTimeoutException(text, "x", TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Input_AnalysisTimesOut_Returns422AndNeverTheUnmaskedText()
    {
        await using var slow = app.Factory.WithWebHostBuilder(builder =>
            builder.ConfigureServices(services => services.AddSingleton<IPiiRecognizer, TimingOutRecognizer>()));
        using var client = slow.CreateClient();
        client.DefaultRequestHeaders.Add(AiAspireHeaders.Tenant, "tenant-a");

        var response = await client.PostAsJsonAsync("/v1/guard/input",
            new GuardInputRequest([new("user", "me@example.com")]), ContractsJsonContext.Default.GuardInputRequest);

        await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, ProblemTypes.Validation);
        Assert.DoesNotContain("me@example.com", await response.Content.ReadAsStringAsync());
    }
}
