using System.Net;
using System.Text;
using AiAspire.Contracts;
using AiAspire.Orchestrator.Tests.Fakes;

namespace AiAspire.Orchestrator.Tests.Api;

/// <summary>The rest of the OpenAI surface: the model list from the router, embeddings forwarded to RagService.</summary>
[Collection(OrchestratorCollection.Name)]
public sealed class ModelsAndEmbeddingsTests
{
    private readonly OrchestratorApp _app;

    public ModelsAndEmbeddingsTests(OrchestratorApp app)
    {
        _app = app;
        app.Reset();
    }

    [Fact]
    public async Task Models_ListsTheRoutersRoutesAndDeployments_InOpenAIShape()
    {
        using var client = _app.CreateClient("tenant-models");

        var response = await client.GetAsync("/v1/models");
        var body = await Chat.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("list", body.GetProperty("object").GetString());
        Assert.Equal(
            [("default", "model", "aiaspire"), (FakeRouterService.Deployment, "model", "fake")],
            body.GetProperty("data").EnumerateArray().Select(m =>
                (m.GetProperty("id").GetString(), m.GetProperty("object").GetString(), m.GetProperty("owned_by").GetString())));
        Assert.Equal(["tenant-models"], _app.Router.Tenants);
    }

    [Fact]
    public async Task Models_RouterDown_Returns503Problem()
    {
        _app.Router.FailWith = 500;
        using var client = _app.CreateClient();

        await Chat.AssertProblemAsync(await client.GetAsync("/v1/models"), HttpStatusCode.ServiceUnavailable, ProblemTypes.Unavailable);
    }

    [Fact]
    public async Task Embeddings_AreForwardedToRagServiceAsIs_AndItsAnswerReturned()
    {
        using var client = _app.CreateClient("tenant-embed");
        const string request = """{"model":"minilm","input":["a","b"]}""";

        var response = await client.PostAsync("/v1/embeddings", new StringContent(request, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"embedding\":[0.25,-0.5]", await response.Content.ReadAsStringAsync());
        var (contentType, body) = Assert.Single(_app.Rag.EmbeddingRequests);
        Assert.Equal(request, body);
        Assert.StartsWith("application/json", contentType);
        Assert.Equal(["tenant-embed"], _app.Rag.Tenants);
    }

    [Theory]
    [InlineData(422)]
    [InlineData(503)]
    public async Task Embeddings_RagServiceAnswersAnError_ItsStatusAndProblemPassThrough(int status)
    {
        _app.Rag.FailWith = status;
        using var client = _app.CreateClient();

        var response = await client.PostAsync("/v1/embeddings", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("injected failure", await response.Content.ReadAsStringAsync());
    }
}
