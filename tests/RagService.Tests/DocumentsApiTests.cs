using System.Net;
using System.Net.Http.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Rag;

namespace AiAspire.RagService.Tests;

[Collection(RagServiceCollection.Name)]
public sealed class DocumentsApiTests(RagServiceFactory app)
{
    private static readonly ContractsJsonContext Json = ContractsJsonContext.Default;

    private static async Task<IngestDocumentResponse> Ingested(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(Json.IngestDocumentResponse))!;
    }

    private static async Task<RetrieveResponse> Retrieve(HttpClient client, string query, string? collection = null, int? topK = null)
    {
        var response = await client.PostAsJsonAsync("/v1/retrieve", new RetrieveRequest(query, collection, topK), Json.RetrieveRequest);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(Json.RetrieveResponse))!;
    }

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string? type = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains($"\"status\":{(int)status}", body);
        if (type is not null)
        {
            Assert.Contains($"\"type\":\"{type}\"", body);
        }
    }

    [Fact]
    public async Task Ingest_creates_then_reports_unchanged_without_embedding_again_then_replaced()
    {
        var client = app.ClientFor("idempotence");
        var request = new IngestDocumentRequest("Parking spaces are assigned by the facilities team. Bikes go in the basement.", Id: "parking");

        var created = await Ingested(await client.PostAsJsonAsync("/api/documents", request, Json.IngestDocumentRequest), HttpStatusCode.Created);
        var embedded = app.Embeddings.Texts;
        var unchanged = await Ingested(await client.PostAsJsonAsync("/api/documents", request, Json.IngestDocumentRequest), HttpStatusCode.OK);
        var afterUnchanged = app.Embeddings.Texts;
        var replaced = await Ingested(await client.PostAsJsonAsync("/api/documents",
            request with { Text = "Parking is first come, first served. Scooters charge in the courtyard." }, Json.IngestDocumentRequest), HttpStatusCode.OK);

        Assert.Equal(("parking", "default", "created", 1), (created.Id, created.Collection, created.Status, created.Chunks));
        Assert.Equal(("unchanged", created.ContentHash), (unchanged.Status, unchanged.ContentHash));
        Assert.Equal(embedded, afterUnchanged);
        Assert.Equal("replaced", replaced.Status);
        Assert.NotEqual(created.ContentHash, replaced.ContentHash);
        Assert.Equal(64, created.ContentHash.Length);
        var hits = await Retrieve(client, "Where do I charge my scooter?");
        var hit = Assert.Single(hits.Chunks);
        Assert.Contains("courtyard", hit.Text);
        Assert.Equal(("parking", "parking#0", "parking"), (hit.DocId, hit.ChunkId, hit.Source));
    }

    [Fact]
    public async Task Ingest_without_an_id_derives_one_from_the_content()
    {
        var client = app.ClientFor("derived-ids");
        var request = new IngestDocumentRequest("The cafeteria opens at 8:00 and closes at 15:00.", Collection: "facilities", Source: "cafeteria.txt");

        var first = await Ingested(await client.PostAsJsonAsync("/api/documents", request, Json.IngestDocumentRequest), HttpStatusCode.Created);
        var again = await Ingested(await client.PostAsJsonAsync("/api/documents", request, Json.IngestDocumentRequest), HttpStatusCode.OK);
        var elsewhere = await Ingested(await client.PostAsJsonAsync("/api/documents", request with { Collection = "archive" }, Json.IngestDocumentRequest), HttpStatusCode.Created);

        Assert.StartsWith("doc-", first.Id);
        Assert.Equal((first.Id, "unchanged"), (again.Id, again.Status));
        Assert.NotEqual(first.Id, elsewhere.Id);
    }

    [Fact]
    public async Task Documents_are_listed_read_and_deleted_per_tenant()
    {
        var client = app.ClientFor("crud");
        var other = app.ClientFor("crud-neighbour");
        await Ingested(await client.PostAsJsonAsync("/api/documents",
            new IngestDocumentRequest("# Guide\n\nPress the red button.", Id: "guide", Collection: "manuals", Source: "guide.md",
                Metadata: new() { ["owner"] = "ops" }), Json.IngestDocumentRequest), HttpStatusCode.Created);
        await Ingested(await client.PostAsJsonAsync("/api/documents",
            new IngestDocumentRequest("Lunch is at noon.", Id: "lunch"), Json.IngestDocumentRequest), HttpStatusCode.Created);

        var all = await client.GetFromJsonAsync("/api/documents", Json.IReadOnlyListDocumentInfo);
        var manuals = await client.GetFromJsonAsync("/api/documents?collection=manuals", Json.IReadOnlyListDocumentInfo);
        var guide = await client.GetFromJsonAsync("/api/documents/guide", Json.DocumentInfo);

        Assert.Equal(["lunch", "guide"], all!.Select(d => d.Id));
        Assert.Equal(["guide"], manuals!.Select(d => d.Id));
        Assert.Equal(("guide", "manuals", "guide.md", 1, "ops"), (guide!.Id, guide.Collection, guide.Source, guide.Chunks, guide.Metadata!["owner"]));
        Assert.Empty((await other.GetFromJsonAsync("/api/documents", Json.IReadOnlyListDocumentInfo))!);
        await AssertProblem(await other.GetAsync("/api/documents/guide"), HttpStatusCode.NotFound, ProblemTypes.NotFound);
        await AssertProblem(await other.DeleteAsync("/api/documents/guide"), HttpStatusCode.NotFound, ProblemTypes.NotFound);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/documents/guide")).StatusCode);

        await AssertProblem(await client.GetAsync("/api/documents/guide"), HttpStatusCode.NotFound, ProblemTypes.NotFound);
        await AssertProblem(await client.DeleteAsync("/api/documents/guide"), HttpStatusCode.NotFound, ProblemTypes.NotFound);
        Assert.Empty((await Retrieve(client, "Which button do I press?", collection: "manuals")).Chunks);
    }

    [Theory]
    [InlineData("""{"text":""}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"text":"   "}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"id":"x"}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"text":"ok","id":"../etc/passwd"}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"text":"ok","id":""}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"text":"ok","collection":"has space"}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"text":"ok","contentType":"pdf"}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"text":"ok","metadata":{"k":null}}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"text":42}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"text":"unterminated""", HttpStatusCode.BadRequest)]
    [InlineData("""null""", HttpStatusCode.BadRequest)]
    public async Task Invalid_ingestion_requests_get_a_problem_not_a_500(string body, HttpStatusCode status)
    {
        var client = app.ClientFor("invalid");

        var response = await client.PostAsync("/api/documents", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await AssertProblem(response, status);
    }

    [Fact]
    public async Task Ingest_rejects_text_over_the_configured_limit_with_413()
    {
        var client = app.ClientFor("large");
        var text = new string('a', RagServiceFactory.MaxDocumentChars + 1);

        var response = await client.PostAsJsonAsync("/api/documents", new IngestDocumentRequest(text), Json.IngestDocumentRequest);

        await AssertProblem(response, HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
    }

    [Fact]
    public async Task Ingest_needs_a_json_body()
    {
        var response = await app.ClientFor("invalid").PostAsync("/api/documents", new StringContent("text=hello"));

        await AssertProblem(response, HttpStatusCode.UnsupportedMediaType, ProblemTypes.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("POST", "/api/documents")]
    [InlineData("GET", "/api/documents")]
    [InlineData("GET", "/api/documents/any")]
    [InlineData("DELETE", "/api/documents/any")]
    [InlineData("POST", "/v1/retrieve")]
    [InlineData("POST", "/v1/embeddings")]
    public async Task Requests_without_a_tenant_are_401(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent("""{"text":"hi","query":"hi","input":"hi"}""", System.Text.Encoding.UTF8, "application/json");
        }

        var response = await app.ClientFor(tenant: null).SendAsync(request);

        await AssertProblem(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
    }
}
