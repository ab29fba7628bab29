using System.Text.Json;
using AiAspire.Contracts.Router;
using AiAspire.RouterService.Tests.Resilience;
using static AiAspire.RouterService.Tests.Api.RouterHttp;

namespace AiAspire.RouterService.Tests.Providers;

/// <summary>A request's <c>response_format</c> json_schema, as each provider's wire protocol receives it.</summary>
public sealed class JsonSchemaPassThroughTests
{
    private const string Schema = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}""";

    private static CompletionRequest AskForJson(string model) =>
        Ask(model, "Which city is the capital of France?") with
        {
            ResponseFormat = JsonDocument.Parse("""{"type":"json_schema","json_schema":{"name":"capital","schema":""" + Schema + "}}").RootElement,
        };

    [Fact]
    public async Task Complete_AzureOpenAI_PassesTheSchemaAsResponseFormat()
    {
        var azure = new FakeAzureOpenAIServer("sk-test");
        await using var router = await ResilientRouter.StartAsync([("gpt", azure)], new() { ["Catalog:Deployments:gpt:Capabilities:0"] = "json" });
        using var client = router.CreateClient();

        await CompleteAsync(client, AskForJson("gpt"));

        var format = Assert.Single(azure.Bodies).GetProperty("response_format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        Assert.Equal("capital", format.GetProperty("json_schema").GetProperty("name").GetString());
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(Schema).RootElement, format.GetProperty("json_schema").GetProperty("schema")),
            format.GetProperty("json_schema").GetProperty("schema").GetRawText());
    }

    [Fact]
    public async Task Complete_Anthropic_PassesTheSchemaAsOutputConfigFormat()
    {
        var claude = new FakeAnthropicServer("sk-test");
        await using var router = await ResilientRouter.StartAsync([("claude", claude)], new() { ["Catalog:Deployments:claude:Capabilities:0"] = "json" });
        using var client = router.CreateClient();

        await CompleteAsync(client, AskForJson("claude"));

        // Anthropic's structured outputs: output_config.format carries the schema; the schema's name has no place there.
        var format = Assert.Single(claude.Bodies).GetProperty("output_config").GetProperty("format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(Schema).RootElement, format.GetProperty("schema")), format.GetRawText());
    }
}
