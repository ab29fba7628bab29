using AiAspire.RagService.Stores;
using AiAspire.TestKit;

namespace AiAspire.RagService.Tests;

/// <summary>
/// What every <see cref="IVectorStore"/> must do, run once per implementation. Each test works in tenants of its own, so a
/// shared server (Qdrant) needs no cleaning between tests; vectors are 3-dimensional throughout.
/// </summary>
public abstract class VectorStoreBehaviour
{
    protected const string Model = "behaviour-test-model";
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    protected abstract IVectorStore Store { get; }

    private string Tenant(string name) => $"{name}-{_run}";

    private static StoredDocument Document(string tenant, string id, string collection = "default", int version = 1, Dictionary<string, string>? metadata = null) =>
        new(tenant, id, collection, $"{id}.md", "markdown", $"hash-{id}-{version}", Model, 0, new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero), metadata);

    private static StoredChunk Chunk(string documentId, int index, string text, params float[] vector) =>
        new($"{documentId}#{index}", index, text, "Handbook > Leave", index * 100, (index * 100) + text.Length, vector);

    private static VectorSearchRequest Nearest(string tenant, float[] vector, int topK = 10, double minScore = -1, string collection = "default", Dictionary<string, string>? filter = null) =>
        new(tenant, collection, Model, vector, topK, minScore, filter);

    private static KeywordSearchRequest Keywords(string tenant, string query, int topK = 10, string collection = "default", Dictionary<string, string>? filter = null) =>
        new(tenant, collection, Model, query, topK, filter);

    [ServerFact]
    public async Task Search_ranks_by_cosine_and_honours_topK_and_minScore()
    {
        var t = Tenant("rank");
        await Store.UpsertDocumentAsync(Document(t, "a"), [Chunk("a", 0, "north", 0, 1, 0), Chunk("a", 1, "east", 10, 0, 0)], default);
        await Store.UpsertDocumentAsync(Document(t, "b"), [Chunk("b", 0, "north east", 0.8f, 0.6f, 0), Chunk("b", 1, "west", -1, 0, 0)], default);

        var all = await Store.SearchAsync(Nearest(t, [2, 0.2f, 0]), default);
        var top2 = await Store.SearchAsync(Nearest(t, [1, 0, 0], topK: 2), default);
        var relevant = await Store.SearchAsync(Nearest(t, [1, 0, 0], minScore: 0.5), default);

        Assert.Equal(["a#1", "b#0", "a#0", "b#1"], all.Select(m => m.Chunk.ChunkId));
        Assert.Equal(0.995, all[0].Score, 3);
        Assert.Equal(-0.995, all[^1].Score, 3);
        Assert.Equal(("east", "Handbook > Leave", 100, 104, "a.md"), (all[0].Chunk.Text, all[0].Chunk.HeadingPath, all[0].Chunk.Start, all[0].Chunk.End, all[0].Document.Source));
        Assert.Equal(1, TensorLength(all[0].Chunk.Vector), 3);
        Assert.Equal(["a#1", "b#0"], top2.Select(m => m.Chunk.ChunkId));
        Assert.Equal(["a#1", "b#0"], relevant.Select(m => m.Chunk.ChunkId));
    }

    [ServerFact]
    public async Task Keyword_search_ranks_by_bm25_and_matches_only_shared_terms()
    {
        var t = Tenant("bm25");
        await Store.UpsertDocumentAsync(Document(t, "a"),
            [Chunk("a", 0, "Remdesivir shortened recovery in hospitalised patients", 1, 0, 0), Chunk("a", 1, "Patients were followed for 28 days", 0, 1, 0)], default);
        await Store.UpsertDocumentAsync(Document(t, "b"), [Chunk("b", 0, "Masks reduce transmission", 0, 0, 1)], default);

        var hits = await Store.KeywordSearchAsync(Keywords(t, "Did remdesivir help patients?"), default);

        Assert.Equal(["a#0", "a#1"], hits.Select(h => h.Chunk.ChunkId));
        Assert.True(hits[0].Score > hits[1].Score && hits[1].Score > 0, string.Join(", ", hits.Select(h => h.Score)));
        Assert.Equal("Remdesivir shortened recovery in hospitalised patients", hits[0].Chunk.Text);
        Assert.Equal(3, hits[0].Chunk.Vector.Length);
        Assert.Equal(["a#0"], (await Store.KeywordSearchAsync(Keywords(t, "remdesivir patients", topK: 1), default)).Select(h => h.Chunk.ChunkId));
        Assert.Empty(await Store.KeywordSearchAsync(Keywords(t, "zebra"), default));
        Assert.Empty(await Store.KeywordSearchAsync(Keywords(t, "the of and"), default));
    }

    [ServerFact]
    public async Task Tenants_never_see_each_others_documents_in_any_operation()
    {
        var (acme, globex, initech) = (Tenant("acme"), Tenant("globex"), Tenant("initech"));
        await Store.UpsertDocumentAsync(Document(acme, "shared-id"), [Chunk("shared-id", 0, "acme vacation policy", 1, 0, 0)], default);
        await Store.UpsertDocumentAsync(Document(globex, "shared-id"), [Chunk("shared-id", 0, "globex vacation policy", 0, 1, 0)], default);
        await Store.UpsertDocumentAsync(Document(globex, "only-globex"), [Chunk("only-globex", 0, "globex secret vacation", 0, 1, 1)], default);

        Assert.Equal(["shared-id"], (await Store.ListDocumentsAsync(acme, null, default)).Select(d => d.Id));
        Assert.Null(await Store.GetDocumentAsync(acme, "only-globex", default));
        Assert.Equal(1, await Store.CountChunksAsync(acme, "default", Model, default));
        var vector = await Store.SearchAsync(Nearest(acme, [0, 1, 1]), default);
        Assert.Equal([acme], vector.Select(h => h.Document.Tenant));
        var keyword = await Store.KeywordSearchAsync(Keywords(acme, "globex secret vacation"), default);
        Assert.Equal([acme], keyword.Select(h => h.Document.Tenant));
        Assert.Equal("acme vacation policy", keyword[0].Chunk.Text);
        // A metadata filter cannot widen the search to another tenant.
        Assert.Empty(await Store.SearchAsync(Nearest(acme, [0, 1, 1], filter: new() { ["tenant"] = globex }), default));
        Assert.Empty(await Store.SearchAsync(Nearest(initech, [0, 1, 1]), default));
        Assert.Empty(await Store.ListDocumentsAsync(initech, null, default));

        Assert.False(await Store.DeleteDocumentAsync(acme, "only-globex", default));
        Assert.True(await Store.DeleteDocumentAsync(acme, "shared-id", default));
        Assert.NotNull(await Store.GetDocumentAsync(globex, "shared-id", default));
        Assert.Equal(2, await Store.CountChunksAsync(globex, "default", Model, default));
    }

    [ServerFact]
    public async Task Metadata_filters_keep_only_documents_with_every_pair()
    {
        var t = Tenant("filters");
        await Store.UpsertDocumentAsync(Document(t, "hr", metadata: new() { ["team"] = "hr", ["lang"] = "en" }), [Chunk("hr", 0, "holiday policy", 1, 0, 0)], default);
        await Store.UpsertDocumentAsync(Document(t, "it", metadata: new() { ["team"] = "it", ["lang"] = "en" }), [Chunk("it", 0, "holiday laptop policy", 1, 0.1f, 0)], default);
        await Store.UpsertDocumentAsync(Document(t, "bare"), [Chunk("bare", 0, "holiday", 1, 0.2f, 0)], default);
        await Store.UpsertDocumentAsync(Document(t, "tricky", metadata: new() { ["team=hr"] = "x", ["a"] = "1:team=hr" }), [Chunk("tricky", 0, "holiday", 1, 0.3f, 0)], default);

        async Task<string[]> Both(Dictionary<string, string>? filter)
        {
            var vector = (await Store.SearchAsync(Nearest(t, [1, 0, 0], filter: filter), default)).Select(m => m.Document.Id).Order().ToArray();
            var keyword = (await Store.KeywordSearchAsync(Keywords(t, "holiday", filter: filter), default)).Select(m => m.Document.Id).Order().ToArray();
            Assert.Equal(vector, keyword);
            return vector;
        }

        Assert.Equal(["bare", "hr", "it", "tricky"], await Both(null));
        Assert.Equal(["bare", "hr", "it", "tricky"], await Both([]));
        Assert.Equal(["hr"], await Both(new() { ["team"] = "hr" }));
        Assert.Equal(["hr", "it"], await Both(new() { ["lang"] = "en" }));
        Assert.Equal(["it"], await Both(new() { ["lang"] = "en", ["team"] = "it" }));
        Assert.Equal(["tricky"], await Both(new() { ["team=hr"] = "x" }));
        Assert.Empty(await Both(new() { ["team"] = "HR" }));
        Assert.Equal("hr", (await Store.GetDocumentAsync(t, "hr", default))!.Metadata!["team"]);
    }

    [ServerFact]
    public async Task Upsert_replaces_every_chunk_and_delete_removes_them()
    {
        var t = Tenant("replace");
        await Store.UpsertDocumentAsync(Document(t, "a"), [Chunk("a", 0, "old parking rules", 1, 0, 0), Chunk("a", 1, "old", 0, 1, 0), Chunk("a", 2, "old", 1, 1, 0)], default);

        await Store.UpsertDocumentAsync(Document(t, "a", version: 2), [Chunk("a", 0, "new bicycle rules", 0, 1, 0)], default);

        Assert.Equal(1, await Store.CountChunksAsync(t, "default", Model, default));
        var document = await Store.GetDocumentAsync(t, "a", default);
        Assert.Equal(("hash-a-2", 1, "a.md", "markdown", Model), (document!.ContentHash, document.ChunkCount, document.Source, document.ContentType, document.EmbeddingModel));
        Assert.Equal(["a#0"], (await Store.SearchAsync(Nearest(t, [1, 0, 0]), default)).Select(m => m.Chunk.ChunkId));
        Assert.Empty(await Store.KeywordSearchAsync(Keywords(t, "parking"), default));
        Assert.Single(await Store.KeywordSearchAsync(Keywords(t, "bicycle"), default));

        Assert.True(await Store.DeleteDocumentAsync(t, "a", default));

        Assert.False(await Store.DeleteDocumentAsync(t, "a", default));
        Assert.Null(await Store.GetDocumentAsync(t, "a", default));
        Assert.Equal(0, await Store.CountChunksAsync(t, "default", Model, default));
        Assert.Empty(await Store.SearchAsync(Nearest(t, [1, 0, 0]), default));
    }

    [ServerFact]
    public async Task Collections_are_searched_and_listed_apart()
    {
        var t = Tenant("collections");
        await Store.UpsertDocumentAsync(Document(t, "hr", collection: "hr"), [Chunk("hr", 0, "leave", 1, 0, 0)], default);
        await Store.UpsertDocumentAsync(Document(t, "it", collection: "it"), [Chunk("it", 0, "leave", 1, 0, 0)], default);

        Assert.Equal(["hr#0"], (await Store.SearchAsync(Nearest(t, [1, 0, 0], collection: "hr"), default)).Select(m => m.Chunk.ChunkId));
        Assert.Equal(["it#0"], (await Store.KeywordSearchAsync(Keywords(t, "leave", collection: "it"), default)).Select(m => m.Chunk.ChunkId));
        Assert.Equal(0, await Store.CountChunksAsync(t, "sales", Model, default));
        Assert.Equal(0, await Store.CountChunksAsync(t, "hr", "a-model-never-used", default));
        Assert.Equal(["hr"], (await Store.ListDocumentsAsync(t, "hr", default)).Select(d => d.Id));
        Assert.Equal([("hr", "hr"), ("it", "it")], (await Store.ListDocumentsAsync(t, null, default)).Select(d => (d.Collection, d.Id)));
    }

    [ServerFact]
    public async Task Every_operation_refuses_a_blank_tenant()
    {
        foreach (var tenant in new[] { "", "  " })
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.SearchAsync(Nearest(tenant, [1, 0, 0]), default));
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.KeywordSearchAsync(Keywords(tenant, "text"), default));
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CountChunksAsync(tenant, "default", Model, default));
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ListDocumentsAsync(tenant, null, default));
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetDocumentAsync(tenant, "a", default));
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.DeleteDocumentAsync(tenant, "a", default));
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.UpsertDocumentAsync(Document(tenant, "b"), [Chunk("b", 0, "x", 1, 0, 0)], default));
        }
    }

    private static double TensorLength(ReadOnlyMemory<float> vector) => Math.Sqrt(System.Numerics.Tensors.TensorPrimitives.Dot(vector.Span, vector.Span));
}
