using System.Net;
using AiAspire.Contracts;

namespace AiAspire.Orchestrator.Tests.Api;

/// <summary>Requests the facade refuses before the pipeline: no tenant, not JSON, broken JSON.</summary>
[Collection(OrchestratorCollection.Name)]
public sealed class RequestRejectionTests
{
    private readonly OrchestratorApp _app;

    public RequestRejectionTests(OrchestratorApp app)
    {
        _app = app;
        app.Reset();
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"unterminated""")]
    [InlineData("""{"messages":"not a list"}""")]
    [InlineData("null")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"temperature":"hot"}""")]
    public async Task MalformedJson_Returns400InvalidJsonProblem(string body)
    {
        using var client = _app.CreateClient();

        await Chat.AssertProblemAsync(await Chat.PostAsync(client, body), HttpStatusCode.BadRequest, ProblemTypes.InvalidJson);
        Assert.Empty(_app.Guardrails.Tenants);
    }

    [Fact]
    public async Task NotJson_Returns415Problem()
    {
        using var client = _app.CreateClient();

        var response = await Chat.PostAsync(client, "messages=hi", "application/x-www-form-urlencoded");

        await Chat.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, ProblemTypes.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("POST", Chat.Path)]
    [InlineData("GET", "/v1/models")]
    [InlineData("POST", "/v1/embeddings")]
    public async Task NoTenantHeader_Returns401Problem(string method, string path)
    {
        using var client = _app.CreateClient(tenant: null);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent(Chat.Request("hi"), System.Text.Encoding.UTF8, "application/json");
        }

        var response = await client.SendAsync(request);

        await Chat.AssertProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        Assert.Empty(_app.Guardrails.Tenants);
        Assert.Empty(_app.Rag.Tenants);
        Assert.Empty(_app.Router.Tenants);
    }
}
