using System.Net;
using System.Net.Http.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Rag;

namespace AiAspire.RagService.Tests;

[Collection(RagServiceCollection.Name)]
public sealed class RetrievalApiTests(RagServiceFactory app)
{
    private const string Tenant = "handbook-readers";
    private static readonly ContractsJsonContext Json = ContractsJsonContext.Default;

    private async Task<HttpClient> WithHandbook()
    {
        var client = app.ClientFor(Tenant);
        var response = await client.PostAsJsonAsync("/api/documents",
            new IngestDocumentRequest(Handbook.Markdown, Id: "handbook", Source: "handbook.md"), Json.IngestDocumentRequest);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return client;
    }

    private static async Task<HttpResponseMessage> PostRetrieve(HttpClient client, string json) =>
        await client.PostAsync("/v1/retrieve", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    [Theory]
    [InlineData("How many days of paid vacation do I get per year?", "Time off > Vacation", "25 days")]
    [InlineData("When do I need a doctor's note if I am sick?", "Time off > Sick leave", "certificate")]
    [InlineData("How long until my travel costs are paid back?", "Expenses", "reimbursed within 30 days")]
    [InlineData("My laptop was stolen, what should I do?", "Equipment", "IT security")]
    [InlineData("Can I work from home?", "Remote work", "three days per week")]
    public async Task Retrieve_puts_the_section_that_answers_the_question_first(string question, string section, string answer)
    {
        var client = await WithHandbook();

        var response = await client.PostAsJsonAsync("/v1/retrieve", new RetrieveRequest(question, TopK: 3), Json.RetrieveRequest);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync(Json.RetrieveResponse))!;
        Assert.Equal("all-minilm-l6-v2", result.EmbeddingModel);
        Assert.InRange(result.Chunks.Count, 2, 3);
        var best = result.Chunks[0];
        Assert.Equal($"{Handbook.Root} > {section}", best.HeadingPath);
        Assert.Contains(answer, best.Text);
        Assert.Equal(("handbook", "handbook.md"), (best.DocId, best.Source));
        Assert.True(best.Score > result.Chunks[1].Score, $"{best.Score} vs {result.Chunks[1].Score}");
    }

    [Fact]
    public async Task Retrieve_honours_minScore()
    {
        var client = await WithHandbook();

        var response = await client.PostAsJsonAsync("/v1/retrieve",
            new RetrieveRequest("How many days of paid vacation do I get per year?", TopK: 50, MinScore: 0.45), Json.RetrieveRequest);

        var result = (await response.Content.ReadFromJsonAsync(Json.RetrieveResponse))!;
        Assert.NotEmpty(result.Chunks);
        Assert.True(result.Chunks.Count < 6, $"{result.Chunks.Count} chunks above 0.45");
        Assert.All(result.Chunks, c => Assert.True(c.Score >= 0.45));
    }

    [Fact]
    public async Task Retrieve_for_a_tenant_without_documents_is_empty_and_embeds_nothing()
    {
        await WithHandbook();
        var stranger = app.ClientFor("no-documents-here");
        var embedded = app.Embeddings.Texts;

        var response = await stranger.PostAsJsonAsync("/v1/retrieve", new RetrieveRequest("How many vacation days do I get?"), Json.RetrieveRequest);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty((await response.Content.ReadFromJsonAsync(Json.RetrieveResponse))!.Chunks);
        Assert.Equal(embedded, app.Embeddings.Texts);
    }

    [Fact]
    public async Task Retrieve_in_another_collection_of_the_same_tenant_is_empty()
    {
        var client = await WithHandbook();

        var result = (await (await client.PostAsJsonAsync("/v1/retrieve",
            new RetrieveRequest("vacation days", Collection: "engineering"), Json.RetrieveRequest)).Content.ReadFromJsonAsync(Json.RetrieveResponse))!;

        Assert.Empty(result.Chunks);
    }

    [Theory]
    [InlineData("""{"query":"vacation","topK":0}""")]
    [InlineData("""{"query":"vacation","topK":51}""")]
    [InlineData("""{"query":"vacation","topK":-3}""")]
    [InlineData("""{"query":"vacation","minScore":1.5}""")]
    [InlineData("""{"query":""}""")]
    [InlineData("""{"collection":"default"}""")]
    [InlineData("""{"query":"vacation","collection":"a/b"}""")]
    [InlineData("""{"query":"vacation","topK":"five"}""")]
    [InlineData("""{"query": """)]
    [InlineData("""[1,2,3]""")]
    public async Task Invalid_retrieve_requests_get_400_problem_json(string body)
    {
        var response = await PostRetrieve(app.ClientFor(Tenant), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Malformed_json_is_an_invalid_json_problem()
    {
        var response = await PostRetrieve(app.ClientFor(Tenant), "{not json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(ProblemTypes.InvalidJson, await response.Content.ReadAsStringAsync());
    }
}
