using System.Net;
using System.Net.Http.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Rag;
using AiAspire.RagService.Stores;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AiAspire.RagService.Tests.Providers;

/// <summary>The whole service with OpenAI embeddings configured, against the wire fake.</summary>
public sealed class ProviderEmbeddingsApiTests : IClassFixture<FakeEmbeddingsServer>, IDisposable
{
    private const string ModelKey = "openai/text-embedding-3-small";
    private static readonly ContractsJsonContext Json = ContractsJsonContext.Default;
    private readonly FakeEmbeddingsServer _server;
    private readonly TempDirectory _data = new();
    private readonly WebApplicationFactory<Program> _app;

    public ProviderEmbeddingsApiTests(FakeEmbeddingsServer server)
    {
        _server = server;
        _app = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Rag:DataPath", _data.Path);
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseSetting("Rag:Embeddings:Provider", "openai");
            builder.UseSetting("Rag:Embeddings:Endpoint", server.Address + "/v1");
            builder.UseSetting("Rag:Embeddings:ApiKey", "sk-test-key");
            builder.UseSetting("Rag:Embeddings:Model", "text-embedding-3-small");
            builder.UseSetting("Rag:Embeddings:ProviderMaxRetries", "1");
        });
    }

    public void Dispose()
    {
        _app.Dispose();
        _data.Dispose();
    }

    private HttpClient Client(string tenant)
    {
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Add(AiAspireHeaders.Tenant, tenant);
        return client;
    }

    [Fact]
    public async Task Documents_are_embedded_by_the_provider_and_stored_and_searched_under_its_model()
    {
        var client = Client("provider-tenant");

        var created = await client.PostAsJsonAsync("/api/documents",
            new IngestDocumentRequest("Refunds are issued within fourteen days of a return.", Id: "refunds"), Json.IngestDocumentRequest);
        await client.PostAsJsonAsync("/api/documents", new IngestDocumentRequest("The office is closed on public holidays.", Id: "holidays"), Json.IngestDocumentRequest);
        var retrieved = await client.PostAsJsonAsync("/v1/retrieve", new RetrieveRequest("When are refunds issued?", TopK: 1, Mode: "vector"), Json.RetrieveRequest);
        var embeddings = await client.PostAsJsonAsync("/v1/embeddings", new { input = new[] { "a", "b c" } });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var result = (await retrieved.Content.ReadFromJsonAsync(Json.RetrieveResponse))!;
        Assert.Equal(ModelKey, result.EmbeddingModel);
        Assert.Equal("refunds", Assert.Single(result.Chunks).DocId);
        var store = _app.Services.GetRequiredService<IVectorStore>();
        Assert.Equal(2, await store.CountChunksAsync("provider-tenant", "default", ModelKey, default));
        Assert.Equal(0, await store.CountChunksAsync("provider-tenant", "default", Embeddings.MiniLmEmbeddingGenerator.ModelId, default));
        Assert.Equal(HttpStatusCode.OK, embeddings.StatusCode);
        var body = await embeddings.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal(ModelKey, body.GetProperty("model").GetString());
        Assert.Equal(FakeEmbeddingsServer.Dimensions, body.GetProperty("data")[1].GetProperty("embedding").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/v1/embeddings", new { input = "x", model = "all-minilm-l6-v2" })).StatusCode);
    }

    [Fact]
    public async Task A_failing_provider_is_a_502_problem_and_nothing_is_stored()
    {
        var client = Client("failing-provider-tenant");
        _server.Failures.Enqueue(503);
        _server.Failures.Enqueue(503);

        var response = await client.PostAsJsonAsync("/api/documents", new IngestDocumentRequest("Parking is free on weekends.", Id: "parking"), Json.IngestDocumentRequest);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal(ProblemTypes.UpstreamFailed, problem.GetProperty("type").GetString());
        Assert.Contains("answered 503", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/documents/parking")).StatusCode);
    }
}
