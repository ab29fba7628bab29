using System.Collections.Immutable;
using AiAspire.RagService.Stores;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiAspire.RagService.Tests;

public sealed class EmbeddedVectorStoreTests : IDisposable
{
    private const string Model = "test-model";
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private EmbeddedVectorStore Open() => new(_data.Path, NullLogger<EmbeddedVectorStore>.Instance);

    private static StoredDocument Document(string tenant, string id, string collection = "default", string model = Model, int version = 1) =>
        new(tenant, id, collection, $"{id}.md", "markdown", $"hash-{id}-{version}", model, 0,
            new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero), ImmutableDictionary<string, string>.Empty.Add("team", "hr"));

    private static StoredChunk Chunk(string documentId, int index, params float[] vector) =>
        new($"{documentId}#{index}", index, $"text {documentId} {index}", "Handbook > Leave", index * 10, index * 10 + 9, vector);

    private static VectorSearchRequest Query(string tenant, float[] vector, int topK = 10, double minScore = -1, string collection = "default", string model = Model) =>
        new(tenant, collection, model, vector, topK, minScore);

    [Fact]
    public async Task Search_ranks_by_cosine_similarity_and_honours_topK_and_minScore()
    {
        var store = Open();
        await store.UpsertDocumentAsync(Document("t", "a"), [Chunk("a", 0, 0, 1, 0), Chunk("a", 1, 10, 0, 0)], default);
        await store.UpsertDocumentAsync(Document("t", "b"), [Chunk("b", 0, 0.8f, 0.6f, 0), Chunk("b", 1, -1, 0, 0)], default);

        var all = await store.SearchAsync(Query("t", [2, 0.2f, 0]), default);
        Assert.Equal(["a#1", "b#0", "a#0", "b#1"], all.Select(m => m.Chunk.ChunkId));
        Assert.Equal(0.995, all[0].Score, 3);
        Assert.Equal(-0.995, all[^1].Score, 3);
        Assert.Equal("Handbook > Leave", all[0].Chunk.HeadingPath);
        Assert.Equal("a.md", all[0].Document.Source);

        var top2 = await store.SearchAsync(Query("t", [1, 0, 0], topK: 2), default);
        Assert.Equal(["a#1", "b#0"], top2.Select(m => m.Chunk.ChunkId));

        var relevant = await store.SearchAsync(Query("t", [1, 0, 0], minScore: 0.5), default);
        Assert.Equal(["a#1", "b#0"], relevant.Select(m => m.Chunk.ChunkId));
    }

    [Fact]
    public async Task Tenants_never_see_each_others_documents()
    {
        var store = Open();
        await store.UpsertDocumentAsync(Document("acme", "shared-id"), [Chunk("shared-id", 0, 1, 0)], default);
        await store.UpsertDocumentAsync(Document("globex", "shared-id"), [Chunk("shared-id", 0, 0, 1)], default);
        await store.UpsertDocumentAsync(Document("globex", "only-globex"), [Chunk("only-globex", 0, 1, 1)], default);

        Assert.Equal(["shared-id"], (await store.ListDocumentsAsync("acme", null, default)).Select(d => d.Id));
        Assert.Null(await store.GetDocumentAsync("acme", "only-globex", default));
        var hits = await store.SearchAsync(Query("acme", [0, 1]), default);
        Assert.Equal([0.0], hits.Select(h => Math.Round(h.Score, 6)));
        Assert.All(hits, h => Assert.Equal("acme", h.Document.Tenant));
        Assert.Empty(await store.SearchAsync(Query("initech", [0, 1]), default));

        Assert.False(await store.DeleteDocumentAsync("acme", "only-globex", default));
        Assert.True(await store.DeleteDocumentAsync("acme", "shared-id", default));
        Assert.NotNull(await store.GetDocumentAsync("globex", "shared-id", default));
        Assert.Equal(2, await store.CountChunksAsync("globex", "default", Model, default));
    }

    [Fact]
    public async Task Keyword_search_sees_a_reloaded_store_and_replaced_text()
    {
        var store = Open();
        await store.UpsertDocumentAsync(Document("t", "a"), [Chunk("a", 0, 1, 0) with { Text = "old wording about parking" }], default);
        await store.UpsertDocumentAsync(Document("t", "a", version: 2), [Chunk("a", 0, 1, 0) with { Text = "new wording about bicycles" }], default);

        var reopened = Open();

        Assert.Empty(await reopened.KeywordSearchAsync(new KeywordSearchRequest("t", "default", Model, "parking", 5), default));
        Assert.Single(await reopened.KeywordSearchAsync(new KeywordSearchRequest("t", "default", Model, "bicycles", 5), default));
    }

    [Fact]
    public async Task Collections_and_embedding_models_are_searched_apart()
    {
        var store = Open();
        await store.UpsertDocumentAsync(Document("t", "hr", collection: "hr"), [Chunk("hr", 0, 1, 0)], default);
        await store.UpsertDocumentAsync(Document("t", "it", collection: "it"), [Chunk("it", 0, 1, 0)], default);
        await store.UpsertDocumentAsync(Document("t", "hr-big", collection: "hr", model: "other-model"), [Chunk("hr-big", 0, 1, 0, 0, 0)], default);

        Assert.Equal(["hr#0"], (await store.SearchAsync(Query("t", [1, 0], collection: "hr"), default)).Select(m => m.Chunk.ChunkId));
        Assert.Equal(["hr-big#0"], (await store.SearchAsync(Query("t", [1, 0, 0, 0], collection: "hr", model: "other-model"), default)).Select(m => m.Chunk.ChunkId));
        Assert.Equal(1, await store.CountChunksAsync("t", "hr", Model, default));
        Assert.Equal(0, await store.CountChunksAsync("t", "sales", Model, default));
        Assert.Equal(["hr", "hr-big"], (await store.ListDocumentsAsync("t", "hr", default)).Select(d => d.Id));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            store.UpsertDocumentAsync(Document("t", "odd", collection: "hr"), [Chunk("odd", 0, 1, 0, 0)], default));
    }

    [Fact]
    public async Task Upsert_replaces_every_chunk_of_the_document()
    {
        var store = Open();
        await store.UpsertDocumentAsync(Document("t", "a"), [Chunk("a", 0, 1, 0), Chunk("a", 1, 0, 1), Chunk("a", 2, 1, 1)], default);

        await store.UpsertDocumentAsync(Document("t", "a", version: 2), [Chunk("a", 0, 0, 1)], default);

        Assert.Equal(1, await store.CountChunksAsync("t", "default", Model, default));
        var document = await store.GetDocumentAsync("t", "a", default);
        Assert.Equal(("hash-a-2", 1), (document!.ContentHash, document.ChunkCount));
        Assert.Equal(["a#0"], (await store.SearchAsync(Query("t", [1, 0]), default)).Select(m => m.Chunk.ChunkId));
    }

    [Fact]
    public async Task Delete_removes_the_document_and_its_chunks_for_good()
    {
        var store = Open();
        await store.UpsertDocumentAsync(Document("t", "a"), [Chunk("a", 0, 1, 0)], default);
        await store.UpsertDocumentAsync(Document("t", "b"), [Chunk("b", 0, 0, 1)], default);

        Assert.True(await store.DeleteDocumentAsync("t", "a", default));

        Assert.False(await store.DeleteDocumentAsync("t", "a", default));
        Assert.Null(await store.GetDocumentAsync("t", "a", default));
        Assert.Equal(["b#0"], (await store.SearchAsync(Query("t", [1, 0]), default)).Select(m => m.Chunk.ChunkId));
        var reopened = Open();
        Assert.Equal(["b"], (await reopened.ListDocumentsAsync("t", null, default)).Select(d => d.Id));

        Assert.True(await reopened.DeleteDocumentAsync("t", "b", default));
        Assert.False(File.Exists(reopened.SnapshotPathFor("t")));
        Assert.Empty(await Open().ListDocumentsAsync("t", null, default));
    }

    [Fact]
    public async Task A_restarted_store_loads_what_was_written()
    {
        var store = Open();
        await store.UpsertDocumentAsync(Document("acme", "a"), [Chunk("a", 0, 3, 4), Chunk("a", 1, 0, 1)], default);
        await store.UpsertDocumentAsync(Document("tenant with spaces/and:colons", "b", collection: "c2"), [Chunk("b", 0, 1, 0)], default);
        var before = await store.SearchAsync(Query("acme", [1, 1]), default);

        var reopened = Open();

        Assert.Equal(Document("acme", "a") with { ChunkCount = 2, Metadata = null },
            (await reopened.GetDocumentAsync("acme", "a", default))! with { Metadata = null });
        Assert.Equal("hr", (await reopened.GetDocumentAsync("acme", "a", default))!.Metadata!["team"]);
        var after = await reopened.SearchAsync(Query("acme", [1, 1]), default);
        Assert.Equal(before.Select(m => (m.Chunk.ChunkId, m.Chunk.Text, m.Chunk.HeadingPath, m.Chunk.Start, m.Chunk.End, m.Score)),
            after.Select(m => (m.Chunk.ChunkId, m.Chunk.Text, m.Chunk.HeadingPath, m.Chunk.Start, m.Chunk.End, m.Score)));
        Assert.Equal(["b"], (await reopened.ListDocumentsAsync("tenant with spaces/and:colons", "c2", default)).Select(d => d.Id));
    }

    [Fact]
    public async Task A_torn_temporary_file_from_a_crash_never_replaces_the_snapshot()
    {
        var store = Open();
        await store.UpsertDocumentAsync(Document("t", "a"), [Chunk("a", 0, 1, 0)], default);
        await store.CompactAsync("t", default);
        var snapshot = store.SnapshotPathFor("t");
        // What a crash halfway through writing the next snapshot leaves behind.
        var bytes = await File.ReadAllBytesAsync(snapshot);
        await File.WriteAllBytesAsync(snapshot + ".tmp", bytes[..(bytes.Length / 2)]);

        var reopened = Open();

        Assert.Equal(["a"], (await reopened.ListDocumentsAsync("t", null, default)).Select(d => d.Id));
        Assert.False(File.Exists(snapshot + ".tmp"));
        await reopened.UpsertDocumentAsync(Document("t", "b"), [Chunk("b", 0, 0, 1)], default);
        Assert.Equal(["a", "b"], (await Open().ListDocumentsAsync("t", null, default)).Select(d => d.Id));
    }

    [Fact]
    public async Task A_write_that_fails_changes_neither_memory_nor_disk_and_the_next_one_succeeds()
    {
        using (var first = Open())
        {
            await first.UpsertDocumentAsync(Document("t", "a"), [Chunk("a", 0, 1, 0)], default);
        }
        var store = Open();
        // A directory where the log segment this store would open must go makes its next write fail.
        var blocked = store.LogPathFor("t", 2);
        Directory.CreateDirectory(blocked);

        var failure = await Record.ExceptionAsync(() =>
            store.UpsertDocumentAsync(Document("t", "a", version: 2), [Chunk("a", 0, 0, 1)], default));

        Assert.True(failure is IOException or UnauthorizedAccessException, failure?.ToString());
        Assert.Equal("hash-a-1", (await store.GetDocumentAsync("t", "a", default))!.ContentHash);
        Assert.Equal(["a#0"], (await store.KeywordSearchAsync(new KeywordSearchRequest("t", "default", Model, "text a", 10), default)).Select(m => m.Chunk.ChunkId));
        using (var reopened = Open())
        {
            Assert.Equal("hash-a-1", (await reopened.GetDocumentAsync("t", "a", default))!.ContentHash);
        }

        // The failed write's half-made version leaves no trace in the next one.
        await store.UpsertDocumentAsync(Document("t", "a", version: 3), [Chunk("a", 0, 0, 1)], default);
        Assert.Equal(["a#0"], (await store.KeywordSearchAsync(new KeywordSearchRequest("t", "default", Model, "text a", 10), default)).Select(m => m.Chunk.ChunkId));
        Assert.Equal(1, await store.CountChunksAsync("t", "default", Model, default));
        store.Dispose();
        Directory.Delete(blocked);
        using var restarted = Open();
        Assert.Equal("hash-a-3", (await restarted.GetDocumentAsync("t", "a", default))!.ContentHash);
    }

    [Fact]
    public async Task A_damaged_snapshot_is_set_aside_and_other_tenants_still_load()
    {
        var store = Open();
        await store.UpsertDocumentAsync(Document("damaged", "a"), [Chunk("a", 0, 1, 0)], default);
        await store.UpsertDocumentAsync(Document("healthy", "b"), [Chunk("b", 0, 1, 0)], default);
        await store.CompactAsync("damaged", default);
        var snapshot = store.SnapshotPathFor("damaged");
        var bytes = await File.ReadAllBytesAsync(snapshot);
        bytes[^5] ^= 0xFF;
        await File.WriteAllBytesAsync(snapshot, bytes);

        var reopened = Open();

        Assert.Empty(await reopened.ListDocumentsAsync("damaged", null, default));
        Assert.Single(Directory.GetFiles(reopened.DirectoryPath, Path.GetFileName(snapshot) + ".corrupt-*"));
        Assert.Equal(["b"], (await reopened.ListDocumentsAsync("healthy", null, default)).Select(d => d.Id));
    }

    [Fact]
    public async Task Concurrent_writers_and_readers_lose_nothing()
    {
        var store = Open();
        var tenants = new[] { "t1", "t2", "t3" };

        await Parallel.ForEachAsync(Enumerable.Range(0, 60), async (i, ct) =>
        {
            var tenant = tenants[i % tenants.Length];
            await store.UpsertDocumentAsync(Document(tenant, $"d{i}"), [Chunk($"d{i}", 0, 1, i), Chunk($"d{i}", 1, i, 1)], ct);
            Assert.NotEmpty(await store.SearchAsync(Query(tenant, [1, 1]), ct));
        });

        var reopened = Open();
        foreach (var tenant in tenants)
        {
            Assert.Equal(20, (await reopened.ListDocumentsAsync(tenant, null, default)).Count);
            Assert.Equal(40, await reopened.CountChunksAsync(tenant, "default", Model, default));
        }
    }
}
