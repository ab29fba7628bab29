using System.Net;
using System.Text.Json;
using AiAspire.Orchestrator.Tests.Api;

namespace AiAspire.Orchestrator.Tests.Caching;

/// <summary>A streamed answer that must be JSON is checked when it ends: a violation ends the stream with an error, never a finish.</summary>
[Collection(ScriptedCollection.Name)]
public sealed class JsonSchemaStreamTests
{
    private static readonly object Schema = new
    {
        type = "json_schema",
        json_schema = new { name = "city", schema = new { type = "object", required = new[] { "city" }, properties = new { city = new { type = "string" } } } },
    };

    private readonly ScriptedApp _app;

    public JsonSchemaStreamTests(ScriptedApp app)
    {
        _app = app;
        app.Reset();
    }

    private async Task<List<string>> StreamAsync(object responseFormat)
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());
        // A unique question: no earlier answer can come from the caches.
        var response = await Ask.PostAsync(client, Ask.Json("Which city? " + Guid.NewGuid(), stream: true, responseFormat: responseFormat));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return Chat.DataOf(body);
    }

    private static bool HasFinish(List<string> data) =>
        Ask.Chunks(data).Any(c => c.TryGetProperty("choices", out var choices) && choices.GetArrayLength() > 0
            && choices[0].TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String);

    [Fact]
    public async Task MatchingAnswer_EndsWithFinishAndDone_AfterTheGuardCheckedTheWholeAnswer()
    {
        _app.Router.Deltas = ["{\"city\":", "\"Paris\"}"];

        var data = await StreamAsync(Schema);

        Assert.Equal("[DONE]", data[^1]);
        Assert.True(HasFinish(data));
        var check = Assert.Single(_app.Guardrails.OutputRequests, r => r.Schema is not null);
        Assert.Equal("{\"city\":\"Paris\"}", check.Text);
    }

    [Fact]
    public async Task ViolatingAnswer_EndsWithAnErrorEvent_NotAFinish()
    {
        _app.Router.Deltas = ["{\"town\":", "\"Paris\"}"];

        var data = await StreamAsync(Schema);

        Assert.DoesNotContain("[DONE]", data);
        Assert.False(HasFinish(data));
        var error = JsonDocument.Parse(data[^1]).RootElement.GetProperty("error");
        Assert.Equal("invalid_response_format", error.GetProperty("type").GetString());
        Assert.Contains("'city' is required", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonObjectFormat_AnswerThatIsNotJson_EndsWithAnErrorEvent()
    {
        _app.Router.Deltas = ["Sure! Here ", "is your JSON."];

        var data = await StreamAsync(new { type = "json_object" });

        Assert.DoesNotContain("[DONE]", data);
        Assert.Equal("invalid_response_format", JsonDocument.Parse(data[^1]).RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task GuardrailsDown_EndsWithAnErrorEvent()
    {
        _app.Router.Deltas = ["{\"city\":", "\"Paris\"}"];
        _app.Guardrails.OutputFailWith = 503;

        var data = await StreamAsync(Schema);

        Assert.DoesNotContain("[DONE]", data);
        // The first window's check already fails, before the whole answer's schema check.
        Assert.Contains("output guardrails are unavailable", JsonDocument.Parse(data[^1]).RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Paris", string.Concat(data));
    }
}
