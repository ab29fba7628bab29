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

    private async Task<RetrieveResponse> Retrieve(HttpClient client, RetrieveRequest request)
    {
        var response = await client.PostAsJsonAsync("/v1/retrieve", request, Json.RetrieveRequest);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync(Json.RetrieveResponse))!;
    }

    [Theory]
    [InlineData("hybrid")]
    [InlineData("vector")]
    [InlineData("keyword")]
    public async Task Every_result_carries_offsets_that_cite_its_text_in_the_document(string mode)
    {
        var client = await WithHandbook();

        var result = await Retrieve(client, new RetrieveRequest("vacation days carried over to March", TopK: 10, Mode: mode));

        Assert.NotEmpty(result.Chunks);
        Assert.All(result.Chunks, c => Assert.Equal(c.Text, Handbook.Markdown[c.Start..c.End]));
        Assert.Contains("25 days", result.Chunks[0].Text);
    }

    [Fact]
    public async Task Modes_report_the_scores_they_ranked_by()
    {
        var client = await WithHandbook();
        const string question = "When must stolen equipment be reported to IT security?";

        var hybrid = await Retrieve(client, new RetrieveRequest(question, TopK: 3));
        var vector = await Retrieve(client, new RetrieveRequest(question, TopK: 3, Mode: "vector"));
        var keyword = await Retrieve(client, new RetrieveRequest(question, TopK: 3, Mode: "keyword"));

        Assert.All([hybrid.Chunks[0], vector.Chunks[0], keyword.Chunks[0]], c => Assert.Contains("IT security", c.Text));
        Assert.All(hybrid.Chunks, c => Assert.NotNull(c.FusedScore));
        Assert.Equal(hybrid.Chunks.Select(c => c.FusedScore), hybrid.Chunks.Select(c => c.FusedScore).OrderDescending());
        Assert.All(vector.Chunks, c => Assert.Null(c.FusedScore ?? c.KeywordScore));
        Assert.Equal(vector.Chunks.Select(c => c.Score), vector.Chunks.Select(c => c.Score).OrderDescending());
        Assert.All(keyword.Chunks, c => Assert.True(c.KeywordScore > 0));
        Assert.Equal(keyword.Chunks.Select(c => c.KeywordScore), keyword.Chunks.Select(c => c.KeywordScore).OrderDescending());
        Assert.True(keyword.Chunks[0].Score > 0.3, "keyword hits carry their cosine similarity too");
    }

    [Fact]
    public async Task Keyword_search_finds_an_exact_code_that_embeddings_blur()
    {
        var client = app.ClientFor("error-codes");
        for (var i = 0; i < 12; i++)
        {
            var text = $"Error E{4700 + i}: the export job stopped because the storage quota was exceeded. Free some space and retry the export.";
            (await client.PostAsJsonAsync("/api/documents", new IngestDocumentRequest(text, Id: $"e{4700 + i}"), Json.IngestDocumentRequest)).EnsureSuccessStatusCode();
        }

        var keyword = await Retrieve(client, new RetrieveRequest("What does error E4711 mean?", TopK: 1, Mode: "keyword"));
        var hybrid = await Retrieve(client, new RetrieveRequest("What does error E4711 mean?", TopK: 3));

        Assert.Equal("e4711", Assert.Single(keyword.Chunks).DocId);
        Assert.Contains(hybrid.Chunks, c => c.DocId == "e4711");
    }

    [Fact]
    public async Task Filters_keep_only_documents_whose_metadata_match()
    {
        var client = app.ClientFor("regional-handbooks");
        foreach (var region in new[] { "eu", "us" })
        {
            var response = await client.PostAsJsonAsync("/api/documents", new IngestDocumentRequest(Handbook.Markdown, Id: $"handbook-{region}",
                Source: "handbook.md", Metadata: new() { ["region"] = region, ["kind"] = "handbook" }), Json.IngestDocumentRequest);
            response.EnsureSuccessStatusCode();
        }
        const string question = "How many days of paid vacation do I get per year?";

        var all = await Retrieve(client, new RetrieveRequest(question, TopK: 10));
        var us = await Retrieve(client, new RetrieveRequest(question, TopK: 10, Filter: new() { ["region"] = "us" }));
        var both = await Retrieve(client, new RetrieveRequest(question, TopK: 10, Filter: new() { ["region"] = "us", ["kind"] = "handbook" }));
        var none = await Retrieve(client, new RetrieveRequest(question, TopK: 10, Filter: new() { ["region"] = "apac" }));

        Assert.Equal(["handbook-eu", "handbook-us"], all.Chunks.Select(c => c.DocId).Distinct().Order());
        Assert.Equal(["handbook-us"], us.Chunks.Select(c => c.DocId).Distinct());
        Assert.Contains("25 days", us.Chunks[0].Text);
        Assert.Equal(us.Chunks.Select(c => c.ChunkId), both.Chunks.Select(c => c.ChunkId));
        Assert.Empty(none.Chunks);
    }

    [Fact]
    public async Task Mmr_trades_a_duplicate_for_different_content()
    {
        var client = app.ClientFor("duplicated-handbooks");
        foreach (var id in new[] { "copy-1", "copy-2" })
        {
            (await client.PostAsJsonAsync("/api/documents", new IngestDocumentRequest(Handbook.Markdown, Id: id), Json.IngestDocumentRequest)).EnsureSuccessStatusCode();
        }
        const string question = "How many days of paid vacation do I get per year?";

        var plain = await Retrieve(client, new RetrieveRequest(question, TopK: 2));
        var diverse = await Retrieve(client, new RetrieveRequest(question, TopK: 2, MmrLambda: 0.5));

        Assert.Equal(plain.Chunks[0].Text, plain.Chunks[1].Text);
        Assert.Equal(plain.Chunks[0].Text, diverse.Chunks[0].Text);
        Assert.NotEqual(diverse.Chunks[0].Text, diverse.Chunks[1].Text);
    }

    [Theory]
    [InlineData("hybrid")]
    [InlineData("vector")]
    [InlineData("keyword")]
    public async Task A_tenant_never_retrieves_another_tenants_chunks(string mode)
    {
        await WithHandbook();
        var other = app.ClientFor("other-tenant-with-its-own-doc");
        (await other.PostAsJsonAsync("/api/documents", new IngestDocumentRequest("Our cafeteria opens at 8 and serves vacation-themed lunches.", Id: "handbook"),
            Json.IngestDocumentRequest)).EnsureSuccessStatusCode();

        var result = await Retrieve(other, new RetrieveRequest("How many days of paid vacation do I get per year?", TopK: 50, MinScore: -1, Mode: mode));

        var only = Assert.Single(result.Chunks);
        Assert.Contains("cafeteria", only.Text);
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
    [InlineData("""{"query":"vacation","mode":"fuzzy"}""")]
    [InlineData("""{"query":"vacation","mode":"HYBRID"}""")]
    [InlineData("""{"query":"vacation","mmrLambda":1.5}""")]
    [InlineData("""{"query":"vacation","mmrLambda":-0.5}""")]
    [InlineData("""{"query":"vacation","filter":{"":"x"}}""")]
    [InlineData("""{"query":"vacation","filter":{"team":null}}""")]
    [InlineData("""{"query":"vacation","filter":{"team":["hr"]}}""")]
    [InlineData("""{"query":"vacation","filter":"team=hr"}""")]
    [InlineData("""{"query":"vacation","filter":{"a":"1","b":"1","c":"1","d":"1","e":"1","f":"1","g":"1","h":"1","i":"1","j":"1","k":"1","l":"1","m":"1","n":"1","o":"1","p":"1","q":"1"}}""")]
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
