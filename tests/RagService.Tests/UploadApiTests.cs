using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using AiAspire.Contracts;
using AiAspire.Contracts.Rag;
using AiAspire.RagService.Documents;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace AiAspire.RagService.Tests;

[Collection(RagServiceCollection.Name)]
public sealed class UploadApiTests(RagServiceFactory app)
{
    private static readonly ContractsJsonContext Json = ContractsJsonContext.Default;

    private static MultipartFormDataContent Upload(params (string Name, byte[] Content)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
        }
        return form;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    internal static byte[] Pdf(params string[] lines)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(PageSize.A4);
        for (var i = 0; i < lines.Length; i++)
        {
            page.AddText(lines[i], 12, new PdfPoint(40, 780 - (i * 20)), font);
        }
        return builder.Build();
    }

    private async Task<RetrievedChunk> Best(HttpClient client, string question)
    {
        var response = await client.PostAsJsonAsync("/v1/retrieve", new RetrieveRequest(question, TopK: 1), Json.RetrieveRequest);
        return Assert.Single((await response.Content.ReadFromJsonAsync(Json.RetrieveResponse))!.Chunks);
    }

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_markdown_file_is_ingested_with_its_headings_and_named_by_its_file()
    {
        var client = app.ClientFor("upload-md");
        using var form = Upload(("handbook.md", Utf8(Handbook.Markdown)));
        form.Add(new StringContent("policies"), "collection");
        form.Add(new StringContent("handbook"), "id");
        form.Add(new StringContent("""{"team":"hr"}"""), "metadata");

        var response = await client.PostAsync("/api/documents", form);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var ingested = (await response.Content.ReadFromJsonAsync(Json.IngestDocumentResponse))!;
        Assert.Equal(("handbook", "policies", IngestStatus.Created), (ingested.Id, ingested.Collection, ingested.Status));
        var document = (await client.GetFromJsonAsync("/api/documents/handbook", Json.DocumentInfo))!;
        Assert.Equal(("handbook.md", "hr"), (document.Source, document.Metadata!["team"]));
        var retrieved = await client.PostAsJsonAsync("/v1/retrieve", new RetrieveRequest("How many vacation days?", "policies", 1), Json.RetrieveRequest);
        var best = Assert.Single((await retrieved.Content.ReadFromJsonAsync(Json.RetrieveResponse))!.Chunks);
        Assert.Equal($"{Handbook.Root} > Time off > Vacation", best.HeadingPath);
    }

    [Fact]
    public async Task Html_pdf_json_and_text_files_in_one_upload_are_each_ingested()
    {
        var client = app.ClientFor("upload-mixed");
        const string html = """
            <html><head><title>Travel</title><script>var secret = "never indexed";</script></head>
            <body><h1>Travel policy</h1><h2>Trains</h2><p>Trains are booked in <b>second class</b> for trips under four hours.</p></body></html>
            """;
        using var form = Upload(
            ("travel.html", Utf8(html)),
            ("parking.pdf", Pdf("Parking permits are renewed every April at the front desk.")),
            ("canteen.json", Utf8("""{"canteen":{"opens":"07:30","menu":["soup","curry"]},"vegan":true}""")),
            ("notes.txt", Utf8("The printer on floor three jams on glossy paper.")));
        form.Add(new StringContent("""{"source":"intranet"}"""), "metadata");

        var response = await client.PostAsync("/api/documents", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var batch = (await response.Content.ReadFromJsonAsync(DocumentsJsonContext.Default.IngestBatchResponse))!;
        Assert.Equal(4, batch.Documents.Count);
        Assert.All(batch.Documents, d => Assert.Equal(IngestStatus.Created, d.Status));
        var train = await Best(client, "Which class do we book for trains?");
        Assert.Equal(("travel.html", "Travel policy > Trains"), (train.Source, train.HeadingPath));
        Assert.DoesNotContain("secret", train.Text);
        Assert.Equal("parking.pdf", (await Best(client, "When are parking permits renewed?")).Source);
        var canteen = await Best(client, "When does the canteen open?");
        Assert.Equal("canteen.json", canteen.Source);
        Assert.Contains("canteen.opens: 07:30", canteen.Text);
        Assert.Equal("notes.txt", (await Best(client, "Why does the printer jam?")).Source);
        var listed = (await client.GetFromJsonAsync("/api/documents", Json.IReadOnlyListDocumentInfo))!;
        Assert.All(listed, d => Assert.Equal("intranet", d.Metadata!["source"]));

        using var again = Upload(("notes.txt", Utf8("The printer on floor three jams on glossy paper.")));
        again.Add(new StringContent("""{"source":"intranet"}"""), "metadata");
        Assert.Equal(IngestStatus.Unchanged, (await (await client.PostAsync("/api/documents", again)).Content.ReadFromJsonAsync(Json.IngestDocumentResponse))!.Status);
    }

    public static TheoryData<string, byte[], HttpStatusCode> RejectedFiles => new()
    {
        { "report.docx", [0x50, 0x4B, 0x03, 0x04], HttpStatusCode.UnsupportedMediaType },
        { "no-extension", Encoding.UTF8.GetBytes("plain words"), HttpStatusCode.UnsupportedMediaType },
        { "latin1.txt", [0x43, 0x61, 0x66, 0xE9, 0x20, 0x6F, 0x70, 0x65, 0x6E], HttpStatusCode.BadRequest },
        { "broken.pdf", Encoding.ASCII.GetBytes("%PDF-1.7 this is not really a pdf"), HttpStatusCode.BadRequest },
        { "broken.json", Encoding.UTF8.GetBytes("""{"a": """), HttpStatusCode.BadRequest },
        { "empty.md", [], HttpStatusCode.BadRequest },
        { "blank.html", Encoding.UTF8.GetBytes("<html><body><script>x()</script></body></html>"), HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(RejectedFiles))]
    public async Task A_bad_file_rejects_the_whole_upload_and_stores_nothing(string name, byte[] content, HttpStatusCode status)
    {
        var client = app.ClientFor($"upload-rejected-{Guid.NewGuid():N}");
        using var form = Upload(("good.txt", Utf8("A perfectly good document about parking.")), (name, content));

        await AssertProblem(await client.PostAsync("/api/documents", form), status);

        Assert.Empty((await client.GetFromJsonAsync("/api/documents", Json.IReadOnlyListDocumentInfo))!);
    }

    [Theory]
    [InlineData("id", "one-id")]
    [InlineData("collection", "a/b")]
    [InlineData("metadata", "[1,2]")]
    [InlineData("metadata", """{"team":1}""")]
    public async Task Bad_form_fields_are_400(string field, string value)
    {
        var client = app.ClientFor("upload-fields");
        using var form = Upload(("a.txt", Utf8("first file")), ("b.txt", Utf8("second file")));
        form.Add(new StringContent(value), field);

        await AssertProblem(await client.PostAsync("/api/documents", form), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_form_without_files_is_400()
    {
        using var form = new MultipartFormDataContent { { new StringContent("default"), "collection" } };

        await AssertProblem(await app.ClientFor("upload-none").PostAsync("/api/documents", form), HttpStatusCode.BadRequest);
    }
}
