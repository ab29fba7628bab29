using System.Collections.Immutable;
using AiAspire.RagService.Stores;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiAspire.RagService.Tests.Hnsw;

/// <summary>The embedded store above its exact-search threshold: graph search, tombstones, rebuilds and the saved graph.</summary>
public sealed class EmbeddedHnswIndexTests : IDisposable
{
    private const string Model = "hnsw-test-model";
    private const int Dimensions = 32;
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private EmbeddedVectorStore Open(int approximateFrom = 500, int persistFrom = 0) =>
        new(_data.Path, NullLogger<EmbeddedVectorStore>.Instance,
            new EmbeddedIndexOptions { ApproximateSearchMinChunks = approximateFrom, PersistGraphMinChunks = persistFrom, EfSearch = 64 });

    private static DocumentUpsert Document(string tenant, string id, Random random, int chunks, int version = 1, string team = "hr") =>
        new(new StoredDocument(tenant, id, "default", $"{id}.txt", "text", $"hash-{id}-{version}", Model, 0, DateTimeOffset.UnixEpoch,
                ImmutableDictionary<string, string>.Empty.Add("team", team)),
            [.. Enumerable.Range(0, chunks).Select(i => new StoredChunk($"{id}#{i}", i, $"chunk {i} of {id}", null, 0, 1, HnswGraphTests.RandomUnit(random, Dimensions)))]);

    /// <summary>Waits for the store's background graph builds; bounded, so a lost build fails the test instead of hanging it.</summary>
    private static async Task GraphsBuilt(EmbeddedVectorStore store)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await store.WhenGraphsBuiltAsync("t", limit.Token);
    }

    private static VectorSearchRequest Query(string tenant, float[] vector, int topK = 10, Dictionary<string, string>? filter = null) =>
        new(tenant, "default", Model, vector, topK, -1, filter);

    [Fact]
    public async Task Above_the_threshold_search_goes_through_the_graph_and_agrees_with_the_exact_answer()
    {
        var random = new Random(1);
        var store = Open();
        await store.UpsertDocumentsAsync([.. Enumerable.Range(0, 20).Select(d => Document("t", $"d{d}", random, 40, team: d % 2 == 0 ? "hr" : "it"))], default);
        await GraphsBuilt(store);
        var exact = await ExactTwin(store);

        Assert.True(store.SearchesApproximately("t", "default", Model));
        Assert.False(exact.SearchesApproximately("t", "default", Model));
        Assert.Equal(800, await store.CountChunksAsync("t", "default", Model, default));
        var hits = 0;
        for (var q = 0; q < 50; q++)
        {
            var query = HnswGraphTests.RandomUnit(random, Dimensions);
            var approximate = await store.SearchAsync(Query("t", query), default);
            var truth = (await exact.SearchAsync(Query("t", query), default)).Select(m => m.Chunk.ChunkId).ToHashSet();
            hits += approximate.Count(m => truth.Contains(m.Chunk.ChunkId));
            Assert.Equal(10, approximate.Count);
            Assert.Equal(approximate.OrderByDescending(m => m.Score).Select(m => m.Chunk.ChunkId), approximate.Select(m => m.Chunk.ChunkId));
            // Filtered searches scan exactly, so they equal the exact store's answer.
            var filter = new Dictionary<string, string> { ["team"] = "it" };
            Assert.Equal((await exact.SearchAsync(Query("t", query, filter: filter), default)).Select(m => m.Chunk.ChunkId),
                (await store.SearchAsync(Query("t", query, filter: filter), default)).Select(m => m.Chunk.ChunkId));
        }
        Assert.True(hits / 500.0 >= 0.95, $"recall@10 {hits / 5.0:F1} %");
        Assert.Empty(await store.SearchAsync(Query("another-tenant", HnswGraphTests.RandomUnit(random, Dimensions)), default));
    }

    [Fact]
    public async Task Replaced_and_deleted_chunks_are_tombstones_until_they_outgrow_the_live_ones_and_the_graph_is_rebuilt()
    {
        var random = new Random(2);
        var store = Open(approximateFrom: 0);
        await store.UpsertDocumentsAsync([.. Enumerable.Range(0, 10).Select(d => Document("t", $"d{d}", random, 20))], default);
        await GraphsBuilt(store);
        var graph = Index(store).Graph;
        Assert.NotNull(graph);

        await store.UpsertDocumentAsync(Document("t", "d0", random, 20, version: 2).Document, Document("t", "d0", random, 20, version: 2).Chunks, default);
        Assert.True(await store.DeleteDocumentAsync("t", "d1", default));

        Assert.Same(graph, Index(store).Graph);
        Assert.Equal((180, 40), (Index(store).Count, Index(store).Dead));
        for (var q = 0; q < 30; q++)
        {
            var found = await store.SearchAsync(Query("t", HnswGraphTests.RandomUnit(random, Dimensions), topK: 50), default);
            Assert.Equal(50, found.Count);
            Assert.DoesNotContain(found, m => m.Document.Id == "d1" || (m.Document.Id == "d0" && m.Document.ContentHash != "hash-d0-2"));
        }

        // Once tombstones exceed 25 % of the live chunks, the graph is built again from the live chunks alone, in the background.
        foreach (var id in new[] { "d2", "d3", "d4" })
        {
            await store.DeleteDocumentAsync("t", id, default);
        }
        await GraphsBuilt(store);

        // A rebuild may start after the first of these deletes: the ones made while it runs are applied to the new
        // graph as tombstones, fewer than the rebuild threshold, so none is left only on a fast machine.
        Assert.NotSame(graph, Index(store).Graph);
        Assert.Equal(120, Index(store).Count);
        Assert.InRange(Index(store).Dead, 0, 120 / 4); // at or below the rebuild threshold (25 % of the live chunks)
        Assert.Equal(120, await store.CountChunksAsync("t", "default", Model, default));
    }

    [Fact]
    public async Task The_saved_graph_is_reloaded_at_start_and_a_damaged_or_stale_one_is_built_again()
    {
        var random = new Random(3);
        var store = Open(approximateFrom: 0);
        await store.UpsertDocumentsAsync([.. Enumerable.Range(0, 6).Select(d => Document("t", $"d{d}", random, 25))], default);
        await GraphsBuilt(store);
        await store.DeleteDocumentAsync("t", "d5", default);
        // Graphs are saved with the snapshot, by a compaction.
        await store.CompactAsync("t", default);
        var graphPath = store.GraphPathFor("t", "default", Model);
        var queries = Enumerable.Range(0, 20).Select(_ => HnswGraphTests.RandomUnit(random, Dimensions)).ToList();
        var before = await Answers(store, queries);
        var savedGraph = await File.ReadAllBytesAsync(graphPath);
        Assert.True(File.Exists(graphPath));

        var reopened = Open(approximateFrom: 0);
        Assert.Equal((125, 25), (Index(reopened).Count, Index(reopened).Dead));
        Assert.Equal(before, await Answers(reopened, queries));

        var damaged = savedGraph.ToArray();
        damaged[^3] ^= 0x5A;
        await File.WriteAllBytesAsync(graphPath, damaged);
        var rebuilt = Open(approximateFrom: 0);
        await GraphsBuilt(rebuilt);
        Assert.NotNull(Index(rebuilt).Graph);
        Assert.Equal((125, 0), (Index(rebuilt).Count, Index(rebuilt).Dead));
        Assert.Equal(await Answers(await ExactTwin(rebuilt), queries), await Answers(rebuilt, queries));

        // A graph older than the snapshot (a crash between the two writes) names a document that is gone.
        await rebuilt.DeleteDocumentAsync("t", "d4", default);
        await rebuilt.CompactAsync("t", default);
        await File.WriteAllBytesAsync(graphPath, savedGraph);
        var afterStale = Open(approximateFrom: 0);
        Assert.Equal((100, 0), (Index(afterStale).Count, Index(afterStale).Dead));
        Assert.DoesNotContain(await Answers(afterStale, queries), answer => answer.Contains("d4#", StringComparison.Ordinal));

        await afterStale.DeleteDocumentAsync("t", "d0", default);
        await afterStale.DeleteDocumentAsync("t", "d1", default);
        await afterStale.DeleteDocumentAsync("t", "d2", default);
        await afterStale.DeleteDocumentAsync("t", "d3", default);
        await afterStale.CompactAsync("t", default);
        Assert.False(File.Exists(graphPath));
        Assert.False(File.Exists(store.SnapshotPathFor("t")));
    }

    [Fact]
    public async Task Below_the_threshold_no_graph_is_kept_or_saved()
    {
        var random = new Random(5);
        var store = Open(approximateFrom: 500);
        await store.UpsertDocumentsAsync([.. Enumerable.Range(0, 9).Select(d => Document("t", $"d{d}", random, 40))], default);
        await store.UpsertDocumentAsync(Document("t", "d9", random, 40).Document, Document("t", "d9", random, 40).Chunks, default);
        await store.DeleteDocumentAsync("t", "d0", default);

        Assert.Equal(360, await store.CountChunksAsync("t", "default", Model, default));
        Assert.Null(Index(store).Graph);
        Assert.False(store.SearchesApproximately("t", "default", Model));
        Assert.False(File.Exists(store.GraphPathFor("t", "default", Model)));
        var query = HnswGraphTests.RandomUnit(random, Dimensions);
        Assert.Equal(await Answers(await ExactTwin(store), [query]), await Answers(store, [query]));

        var reopened = Open(approximateFrom: 500);
        Assert.Null(Index(reopened).Graph);
        Assert.Equal(360, Index(reopened).Count);
    }

    [Fact]
    public async Task Crossing_the_threshold_builds_the_graph_in_the_background_searches_stay_exact_meanwhile_and_no_write_is_lost()
    {
        var random = new Random(6);
        var store = Open(approximateFrom: 500);
        await store.UpsertDocumentsAsync([.. Enumerable.Range(0, 12).Select(d => Document("t", $"d{d}", random, 40))], default);
        await GraphsBuilt(store);
        Assert.Null(Index(store).Graph);

        // Hold the build between building its graph and swapping it in.
        var built = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.BeforeGraphSwap = async () =>
        {
            built.TrySetResult();
            await release.Task;
        };
        var queries = Enumerable.Range(0, 40).Select(_ => HnswGraphTests.RandomUnit(random, Dimensions)).ToList();
        await store.UpsertDocumentAsync(Document("t", "d12", random, 40).Document, Document("t", "d12", random, 40).Chunks, default);
        await built.Task.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.False(store.SearchesApproximately("t", "default", Model));
        Assert.Equal(await Answers(await ExactTwin(store), queries), await Answers(store, queries));
        // Writes made while the graph is being built: a new document, a replaced one, a deleted one.
        var d13 = Document("t", "d13", random, 40);
        var d0 = Document("t", "d0", random, 40, version: 2);
        await store.UpsertDocumentAsync(d13.Document, d13.Chunks, default);
        await store.UpsertDocumentAsync(d0.Document, d0.Chunks, default);
        Assert.True(await store.DeleteDocumentAsync("t", "d1", default));
        Assert.False(store.SearchesApproximately("t", "default", Model));
        release.SetResult();
        await GraphsBuilt(store);

        Assert.True(store.SearchesApproximately("t", "default", Model));
        var graph = Index(store).Graph!;
        Assert.Equal((520, 80), (Index(store).Count, Index(store).Dead));
        Assert.Equal(600, graph.Count);
        foreach (var chunk in d13.Chunks.Concat(d0.Chunks))
        {
            var top = Assert.Single(await store.SearchAsync(Query("t", chunk.Vector.ToArray(), topK: 1), default));
            Assert.Equal((chunk.ChunkId, "hash-" + top.Document.Id + "-" + (top.Document.Id == "d0" ? 2 : 1)), (top.Chunk.ChunkId, top.Document.ContentHash));
        }
        var answers = await Answers(store, queries);
        Assert.DoesNotContain(answers, answer => answer.Contains("d1#", StringComparison.Ordinal));
        var recall = await Recall(store, queries);
        Assert.True(recall >= 0.95, $"recall@10 {recall:P1}");

        // Later writes go into the same graph; a restart after a compaction reloads it as it was.
        store.BeforeGraphSwap = null;
        await store.UpsertDocumentAsync(Document("t", "d14", random, 40).Document, Document("t", "d14", random, 40).Chunks, default);
        Assert.Same(graph, Index(store).Graph);
        await store.CompactAsync("t", default);
        var graphPath = store.GraphPathFor("t", "default", Model);
        Assert.True(File.Exists(graphPath));
        var before = await Answers(store, queries);
        var reopened = Open(approximateFrom: 500);
        Assert.NotNull(Index(reopened).Graph);
        Assert.Equal(before, await Answers(reopened, queries));
    }

    [Fact]
    public async Task A_collection_keeps_its_graph_down_to_80_percent_of_the_threshold_and_gets_one_again_only_at_the_threshold()
    {
        var random = new Random(7);
        var store = Open(approximateFrom: 500);
        await store.UpsertDocumentsAsync([.. Enumerable.Range(0, 13).Select(d => Document("t", $"d{d}", random, 40))], default);
        await GraphsBuilt(store);
        Assert.True(store.SearchesApproximately("t", "default", Model));

        // 520 → 400 live chunks: still at or above 80 % of 500.
        foreach (var id in new[] { "d0", "d1", "d2" })
        {
            await store.DeleteDocumentAsync("t", id, default);
            Assert.True(store.SearchesApproximately("t", "default", Model));
        }
        Assert.Equal(400, await store.CountChunksAsync("t", "default", Model, default));

        // Below 400 the collection is searched exactly again.
        await store.DeleteDocumentAsync("t", "d3", default);
        Assert.False(store.SearchesApproximately("t", "default", Model));
        Assert.Null(Index(store).Graph);

        // Back up to 480, below the threshold: no graph is built.
        await store.UpsertDocumentsAsync([.. Enumerable.Range(20, 3).Select(d => Document("t", $"d{d}", random, 40))], default);
        await GraphsBuilt(store);
        Assert.Equal(480, await store.CountChunksAsync("t", "default", Model, default));
        Assert.False(store.SearchesApproximately("t", "default", Model));

        // At the threshold again it is.
        await store.UpsertDocumentAsync(Document("t", "d23", random, 40).Document, Document("t", "d23", random, 40).Chunks, default);
        await GraphsBuilt(store);
        Assert.True(store.SearchesApproximately("t", "default", Model));
        Assert.Equal(520, Index(store).Graph!.Count);
        var queries = Enumerable.Range(0, 20).Select(_ => HnswGraphTests.RandomUnit(random, Dimensions)).ToList();
        var recall = await Recall(store, queries);
        Assert.True(recall >= 0.95, $"recall@10 {recall:P1}");
    }

    [Fact]
    public async Task Readers_searching_during_bulk_writes_see_whole_documents_only()
    {
        var random = new Random(4);
        var store = Open(approximateFrom: 0);
        using var stop = new CancellationTokenSource();
        var problems = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var reader = Task.Run(async () =>
        {
            var local = new Random(9);
            while (!stop.IsCancellationRequested)
            {
                var found = await store.SearchAsync(Query("t", HnswGraphTests.RandomUnit(local, Dimensions), topK: 100), default);
                var documents = (await store.ListDocumentsAsync("t", null, default)).Select(d => d.Id).ToHashSet();
                foreach (var match in found.Where(m => !m.Chunk.ChunkId.StartsWith(m.Document.Id + "#", StringComparison.Ordinal)))
                {
                    problems.Enqueue($"{match.Chunk.ChunkId} returned as part of {match.Document.Id}");
                }
                if (found.Select(m => m.Chunk.ChunkId).Distinct().Count() != found.Count)
                {
                    problems.Enqueue("a chunk returned twice");
                }
                if (found.Any(m => !documents.Contains(m.Document.Id)))
                {
                    problems.Enqueue("a chunk of a document the store never listed");
                }
            }
        });

        for (var round = 0; round < 15; round++)
        {
            await store.UpsertDocumentsAsync([.. Enumerable.Range(0, 4).Select(d => Document("t", $"r{round}-{d}", random, 10))], default);
            await store.UpsertDocumentAsync(Document("t", $"r{round}-0", random, 10, version: 2).Document, Document("t", $"r{round}-0", random, 5, version: 2).Chunks, default);
        }
        await stop.CancelAsync();
        await reader;

        Assert.Empty(problems);
        Assert.Equal(15 * 35, await store.CountChunksAsync("t", "default", Model, default));
    }

    /// <summary>
    /// A second store over the same files that searches exactly. A compaction first: it waits for any the store runs in the
    /// background (a graph swap starts one), which would otherwise delete log segments while the twin reads them.
    /// </summary>
    private async Task<EmbeddedVectorStore> ExactTwin(EmbeddedVectorStore store)
    {
        await store.CompactAsync("t", default);
        return Open(approximateFrom: int.MaxValue);
    }

    private static CollectionIndex Index(EmbeddedVectorStore store) => store.CollectionIndexFor("t", "default", Model)!;

    /// <summary>recall@10 of <paramref name="store"/>'s answers against an exact store's over the same files.</summary>
    private async Task<double> Recall(EmbeddedVectorStore store, List<float[]> queries)
    {
        var exact = await ExactTwin(store);
        var (hits, expected) = (0, 0);
        foreach (var query in queries)
        {
            var truth = (await exact.SearchAsync(Query("t", query), default)).Select(m => m.Chunk.ChunkId).ToHashSet();
            hits += (await store.SearchAsync(Query("t", query), default)).Count(m => truth.Contains(m.Chunk.ChunkId));
            expected += truth.Count;
        }
        return hits / (double)expected;
    }

    private static async Task<List<string>> Answers(EmbeddedVectorStore store, List<float[]> queries)
    {
        var answers = new List<string>();
        foreach (var query in queries)
        {
            answers.Add(string.Join(",", (await store.SearchAsync(Query("t", query), default)).Select(m => m.Chunk.ChunkId)));
        }
        return answers;
    }
}
