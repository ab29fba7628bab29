using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using AiAspire.Contracts;
using AiAspire.Contracts.Rag;
using AiAspire.RagService.Chunking;
using AiAspire.RagService.Documents;
using AiAspire.RagService.Stores;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AiAspire.RagService.Tests;

[Collection(RagServiceCollection.Name)]
public sealed class IngestionJobTests(RagServiceFactory app)
{
    private static readonly ContractsJsonContext Json = ContractsJsonContext.Default;

    [Fact]
    public async Task A_large_upload_runs_in_the_background_and_reports_progress_to_its_tenant_only()
    {
        var client = app.ClientFor("bulk-uploader");
        using var form = new MultipartFormDataContent();
        var files = IngestionOptionsFiles();
        foreach (var (name, text) in files)
        {
            var part = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
            part.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
            form.Add(part, "files", name);
        }

        var response = await client.PostAsync("/api/documents", form);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = (await response.Content.ReadFromJsonAsync(DocumentsJsonContext.Default.IngestionJobResponse))!;
        Assert.Equal($"/api/ingestions/{accepted.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(files.Count, accepted.Total);
        Assert.Contains(accepted.Status, new[] { IngestionJob.Queued, IngestionJob.Running });

        IngestionJobResponse status;
        var polls = 0;
        do
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
            status = (await client.GetFromJsonAsync(response.Headers.Location, DocumentsJsonContext.Default.IngestionJobResponse))!;
        }
        while (status.FinishedAt is null && ++polls < 480);

        Assert.Equal((IngestionJob.Succeeded, files.Count, files.Count), (status.Status, status.Completed, status.Total));
        Assert.Null(status.Error);
        Assert.All(status.Documents, d => Assert.Equal(IngestStatus.Created, d.Status));
        var stored = (await client.GetFromJsonAsync("/api/documents", Json.IReadOnlyListDocumentInfo))!;
        Assert.Equal(files.Select(f => f.Name).Order(), stored.Select(d => d.Source).Order());
        Assert.Equal(HttpStatusCode.NotFound, (await app.ClientFor("someone-else").GetAsync(response.Headers.Location)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/ingestions/ing-unknown")).StatusCode);
    }

    private static List<(string Name, string Text)> IngestionOptionsFiles() =>
        [.. Enumerable.Range(0, new IngestionOptions().BackgroundThresholdFiles + 2).Select(i => ($"memo-{i}.txt", $"Memo {i}: the meeting room {i} is booked on day {i}."))];

    [Fact]
    public async Task A_failing_document_stops_the_job_which_lists_exactly_what_was_stored()
    {
        using var data = new TempDirectory();
        var store = new EmbeddedVectorStore(data.Path, NullLogger<EmbeddedVectorStore>.Instance);
        var ingestor = new DocumentIngestor(new StructuredTextChunker(new TestOptionsMonitor<ChunkingOptions>(new ChunkingOptions())),
            new PoisonedEmbeddingGenerator(), store, TimeProvider.System, NullLogger<DocumentIngestor>.Instance);
        var options = Options.Create(new IngestionOptions());
        var queue = new IngestionQueue(new InMemoryIngestionJobStore(options, TimeProvider.System), options, TimeProvider.System, NullLogger<IngestionQueue>.Instance);
        var worker = new IngestionWorker(queue, ingestor, options, TimeProvider.System, NullLogger<IngestionWorker>.Instance);
        var job = (await queue.TryEnqueueAsync("t", [Document("first", "Fine text."), Document("second", "This one is POISON."), Document("third", "Never reached.")], default))!;

        await worker.RunAsync(job, CancellationToken.None);

        var status = job.Snapshot();
        Assert.Equal((IngestionJob.Failed, 1, 3), (status.Status, status.Completed, status.Total));
        Assert.Equal(["first"], status.Documents.Select(d => d.Id));
        Assert.Contains("'second'", status.Error);
        Assert.Equal(["first"], (await store.ListDocumentsAsync("t", null, default)).Select(d => d.Id));
        Assert.Equal(1, await store.CountChunksAsync("t", "default", "poisoned-test-model", default));
        Assert.Equal(status, await queue.FindAsync("t", job.Id, default), IngestionJobTests.SameStatus);
        Assert.Null(await queue.FindAsync("other-tenant", job.Id, default));
    }

    /// <summary>Records holding lists compare by reference; compare what they say.</summary>
    internal static readonly IEqualityComparer<IngestionJobResponse?> SameStatus = EqualityComparer<IngestionJobResponse?>.Create((a, b) =>
        System.Text.Json.JsonSerializer.Serialize(a, DocumentsJsonContext.Default.IngestionJobResponse!) ==
        System.Text.Json.JsonSerializer.Serialize(b, DocumentsJsonContext.Default.IngestionJobResponse!));

    internal static DocumentToIngest Document(string id, string text) =>
        new(id, "default", id, DocumentContentType.Text, text, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text))), null);
}
