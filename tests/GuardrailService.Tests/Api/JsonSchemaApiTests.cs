using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Guard;

namespace AiAspire.GuardrailService.Tests.Api;

/// <summary>JSON-schema validation of answers when the request passes a schema.</summary>
public sealed class JsonSchemaApiTests(GuardrailApp app) : IClassFixture<GuardrailApp>
{
    private static readonly JsonElement Schema = JsonDocument.Parse("""
        {"type":"object","required":["name","age"],"properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0}}}
        """).RootElement;

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, GuardOutputRequest request) =>
        client.PostAsJsonAsync("/v1/guard/output", request, ContractsJsonContext.Default.GuardOutputRequest);

    [Fact]
    public async Task Output_MatchingTheSchema_IsAllowedAndRestored()
    {
        using var client = app.CreateClient("tenant-a");
        var input = await client.PostAsJsonAsync("/v1/guard/input",
            new GuardInputRequest([new GuardMessage("user", "My name is Ada Lovelace, age 36")]), ContractsJsonContext.Default.GuardInputRequest);
        var masked = (await input.Content.ReadFromJsonAsync(ContractsJsonContext.Default.GuardInputResponse))!;

        var response = await PostAsync(client, new GuardOutputRequest("""{"name":"<PERSON_1>","age":36}""", masked.VaultId, Schema: Schema));
        var result = (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.GuardOutputResponse))!;

        Assert.True(result.Allowed);
        Assert.Equal("""{"name":"Ada Lovelace","age":36}""", result.Text);
        Assert.False(Assert.Single(result.Checks!).Flagged);
    }

    [Theory]
    [InlineData("""{"name":"x","age":-1}""", "/age")]
    [InlineData("""{"name":"x"}""", "age")]
    [InlineData("Sure! Here is the JSON: {", "not valid JSON")]
    public async Task Output_NotMatchingTheSchema_IsRefusedWithTheErrors(string answer, string mentioned)
    {
        using var client = app.CreateClient("tenant-a");

        var response = await PostAsync(client, new GuardOutputRequest(answer, null, Schema: Schema));
        var result = (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.GuardOutputResponse))!;

        Assert.False(result.Allowed);
        Assert.Contains(mentioned, Assert.Single(result.Reasons!));
        var check = Assert.Single(result.Checks!);
        Assert.Equal((GuardCheckNames.JsonSchema, true), (check.Name, check.Flagged));
    }

    [Theory]
    [InlineData("""{"type":42}""")]
    [InlineData("\"a string\"")]
    [InlineData("""{"$ref":"http://127.0.0.1:9/remote.json"}""")]
    public async Task Output_InvalidOrRemoteSchema_Returns400Problem(string schema)
    {
        using var client = app.CreateClient("tenant-a");

        var response = await PostAsync(client, new GuardOutputRequest("{}", null,
            Schema: JsonDocument.Parse(schema).RootElement));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Output_SchemaWithAReferenceReachedOnlyByTheAnswer_Returns400Problem()
    {
        using var client = app.CreateClient("tenant-a");
        var schema = JsonDocument.Parse("""{"properties":{"a":{"$ref":"http://127.0.0.1:9/remote.json"}}}""").RootElement;

        var response = await client.PostAsJsonAsync("/v1/guard/output",
            new GuardOutputRequest("""{"a":1}""", null, Schema: schema), ContractsJsonContext.Default.GuardOutputRequest);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    // Catastrophic backtracking: each extra 'a' doubles the work of matching the string that ends in '!'.
    [Theory(Timeout = 120_000)]
    [InlineData("""{"type":"object","properties":{"a":{"type":"string","pattern":"^(a+)+$"}}}""", """{"a":"AAAA!"}""")]
    [InlineData("""{"type":"object","patternProperties":{"^(a|aa)+$":{"type":"string"}}}""", """{"AAAA!":"x"}""")]
    public async Task Output_CatastrophicSchemaPattern_IsReportedAsTimedOutInsteadOfHanging(string schema, string answerTemplate)
    {
        using var client = app.CreateClient("tenant-a");
        var answer = answerTemplate.Replace("AAAA", new string('a', 5_000), StringComparison.Ordinal);

        var response = await PostAsync(client, new GuardOutputRequest(answer, null, Schema: JsonDocument.Parse(schema).RootElement));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.GuardOutputResponse))!;
        Assert.False(result.Allowed);
        var check = Assert.Single(result.Checks!);
        Assert.Equal((GuardCheckNames.JsonSchema, true), (check.Name, check.Flagged));
        Assert.StartsWith("schema pattern timed out", Assert.Single(check.Signals));
    }

    [Fact]
    public async Task Output_OrdinarySchemaPattern_IsStillEnforced()
    {
        using var client = app.CreateClient("tenant-a");
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"code":{"type":"string","pattern":"^[A-Z]{3}-[0-9]{4}$"}}}""").RootElement;

        var good = await (await PostAsync(client, new GuardOutputRequest("""{"code":"ABC-1234"}""", null, Schema: schema)))
            .Content.ReadFromJsonAsync(ContractsJsonContext.Default.GuardOutputResponse);
        var bad = await (await PostAsync(client, new GuardOutputRequest("""{"code":"abc-12"}""", null, Schema: schema)))
            .Content.ReadFromJsonAsync(ContractsJsonContext.Default.GuardOutputResponse);

        Assert.True(good!.Allowed);
        Assert.False(bad!.Allowed);
        Assert.Contains("/code", Assert.Single(bad.Reasons!));
        Assert.DoesNotContain("timed out", bad.Reasons![0]);
    }
}
