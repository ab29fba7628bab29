using System.Collections.Immutable;
using AiAspire.RagService.Stores;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiAspire.RagService.Tests;

/// <summary>The embedded store's write path: the write-ahead log, its replay at start, and compaction into a snapshot.</summary>
public sealed class EmbeddedStoreLogTests : IDisposable
{
    private const string Model = "log-test-model";
    private static readonly string[] Words = ["leave", "refund", "policy", "holiday", "salary", "laptop", "travel", "expense", "badge", "parking"];
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private EmbeddedVectorStore Open(int compactAfterRecords = 4_096, int approximateFrom = 20_000) =>
        new(_data.Path, NullLogger<EmbeddedVectorStore>.Instance,
            new EmbeddedIndexOptions { CompactLogRecords = compactAfterRecords, ApproximateSearchMinChunks = approximateFrom, PersistGraphMinChunks = 0 });

    /// <summary>A document whose chunks draw their words and vectors from <paramref name="seed"/>: the same seed, the same document.</summary>
    private static DocumentUpsert Document(string id, int seed, int chunks = 3, string collection = "default", string tenant = "t")
    {
        var random = new Random(seed);
        return new DocumentUpsert(
            new StoredDocument(tenant, id, collection, $"{id}.md", "markdown", $"hash-{id}-{seed}", Model, 0,
                new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero), ImmutableDictionary<string, string>.Empty.Add("seed", $"{seed}")),
            [.. Enumerable.Range(0, chunks).Select(i => new StoredChunk($"{id}#{i}", i,
                string.Join(' ', Enumerable.Range(0, 4 + random.Next(12)).Select(_ => Words[random.Next(Words.Length)])),
                i == 0 ? "Handbook" : null, i * 100, (i * 100) + 99,
                Enumerable.Range(0, 8).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray()))]);
    }

    private static Task Upsert(EmbeddedVectorStore store, DocumentUpsert upsert) =>
        store.UpsertDocumentAsync(upsert.Document, upsert.Chunks, default);

    /// <summary>Everything a reader can observe of the tenant: documents, and vector and keyword answers with their scores.</summary>
    private static async Task<List<string>> Observe(EmbeddedVectorStore store, string tenant = "t")
    {
        var seen = (await store.ListDocumentsAsync(tenant, null, default))
            .Select(d => $"{d.Collection}/{d.Id} {d.ContentHash} {d.ChunkCount} {d.Metadata?["seed"]}").ToList();
        var random = new Random(99);
        foreach (var collection in new[] { "default", "other" })
        {
            for (var q = 0; q < 5; q++)
            {
                var vector = Enumerable.Range(0, 8).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
                seen.Add(string.Join(",", (await store.SearchAsync(new VectorSearchRequest(tenant, collection, Model, vector, 10, -1), default))
                    .Select(m => $"{m.Chunk.ChunkId}:{m.Score:R}:{m.Chunk.Text}")));
            }
            foreach (var query in new[] { "refund policy", "holiday leave", "laptop badge parking", "handbook" })
            {
                seen.Add(string.Join(",", (await store.KeywordSearchAsync(new KeywordSearchRequest(tenant, collection, Model, query, 50), default))
                    .Select(m => $"{m.Chunk.ChunkId}:{m.Score:R}")));
            }
        }
        return seen;
    }

    private string[] LogSegments() => Directory.GetFiles(Path.Combine(_data.Path, "vectors"), "*.wal");

    [Fact]
    public async Task A_restart_replays_the_log_to_exactly_the_state_before()
    {
        List<string> before;
        using (var store = Open())
        {
            for (var d = 0; d < 12; d++)
            {
                await Upsert(store, Document($"d{d}", d, collection: d % 3 == 0 ? "other" : "default"));
            }
            await store.UpsertDocumentsAsync([Document("d1", 101), Document("d20", 20, chunks: 5)], default);
            Assert.True(await store.DeleteDocumentAsync("t", "d2", default));
            Assert.True(await store.DeleteDocumentAsync("t", "d3", default));
            await Upsert(store, Document("d4", 104, chunks: 1));
            before = await Observe(store);
            Assert.False(File.Exists(store.SnapshotPathFor("t")));
        }

        using var reopened = Open();

        Assert.Equal(before, await Observe(reopened));
        Assert.Equal(11, (await reopened.ListDocumentsAsync("t", null, default)).Count);
    }

    [Fact]
    public async Task Compaction_writes_a_snapshot_drops_the_log_and_keeps_the_contents_and_later_writes_replay_onto_it()
    {
        List<string> before;
        using (var store = Open())
        {
            for (var d = 0; d < 8; d++)
            {
                await Upsert(store, Document($"d{d}", d));
            }
            await store.DeleteDocumentAsync("t", "d0", default);
            var compacted = await Observe(store);

            await store.CompactAsync("t", default);

            Assert.True(File.Exists(store.SnapshotPathFor("t")));
            Assert.Empty(LogSegments());
            Assert.Equal(compacted, await Observe(store));
            await Upsert(store, Document("d1", 201));
            await store.DeleteDocumentAsync("t", "d5", default);
            before = await Observe(store);
            Assert.Single(LogSegments());
        }

        using var reopened = Open();

        Assert.Equal(before, await Observe(reopened));
    }

    [Fact]
    public async Task The_log_is_compacted_in_the_background_once_it_passes_its_record_threshold()
    {
        List<string> before;
        using (var store = Open(compactAfterRecords: 3))
        {
            for (var d = 0; d < 10; d++)
            {
                await Upsert(store, Document($"d{d}", d));
            }
            await store.DeleteDocumentAsync("t", "d9", default);
            before = await Observe(store);
        }
        // Dispose waits for a compaction under way; the third write started one.
        Assert.True(File.Exists(Path.Combine(_data.Path, "vectors", Path.GetFileName(Open().SnapshotPathFor("t")))));

        using var reopened = Open(compactAfterRecords: 3);

        Assert.Equal(before, await Observe(reopened));
    }

    [Fact]
    public async Task A_torn_or_damaged_last_record_is_ignored_at_start_and_writes_go_on()
    {
        using (var store = Open())
        {
            await Upsert(store, Document("a", 1));
            await Upsert(store, Document("b", 2));
        }
        var segment = Assert.Single(LogSegments());
        var whole = await File.ReadAllBytesAsync(segment);
        using (var probe = Open())
        {
            Assert.Equal(["a", "b"], (await probe.ListDocumentsAsync("t", null, default)).Select(d => d.Id));
        }
        await File.WriteAllBytesAsync(segment, whole);

        // A crash in the middle of writing b's record: its tail never reached the disk.
        await File.WriteAllBytesAsync(segment, whole[..^40]);
        using (var torn = Open())
        {
            Assert.Equal(["a"], (await torn.ListDocumentsAsync("t", null, default)).Select(d => d.Id));
        }

        // The record is complete but one byte of it is wrong: its checksum fails.
        var damaged = whole.ToArray();
        damaged[^40] ^= 0x20;
        await File.WriteAllBytesAsync(segment, damaged);
        using (var store = Open())
        {
            Assert.Equal(["a"], (await store.ListDocumentsAsync("t", null, default)).Select(d => d.Id));
            await Upsert(store, Document("c", 3));
        }

        // Garbage after the last record (a header cut short) is ignored too, and the write made after the torn one survives.
        await File.AppendAllTextAsync(segment, "\u0001\u0002");
        using var reopened = Open();
        Assert.Equal(["a", "c"], (await reopened.ListDocumentsAsync("t", null, default)).Select(d => d.Id));
        Assert.Equal(2, LogSegments().Length);
    }

    [Fact]
    public async Task A_segment_whose_header_was_never_completed_holds_nothing_and_start_up_goes_on()
    {
        using (var store = Open())
        {
            await Upsert(store, Document("a", 1));
        }
        await File.WriteAllBytesAsync(Path.Combine(_data.Path, "vectors", Path.GetFileName(LogSegments()[0]).Replace(".0000000001.", ".0000000002.", StringComparison.Ordinal)), "AIAW"u8.ToArray());

        using var reopened = Open();

        Assert.Equal(["a"], (await reopened.ListDocumentsAsync("t", null, default)).Select(d => d.Id));
        await Upsert(reopened, Document("b", 2));
        Assert.Equal(3, LogSegments().Length);
    }

    [Fact]
    public async Task A_deleted_document_stays_deleted_after_a_restart_from_the_log_or_from_a_snapshot()
    {
        using (var store = Open())
        {
            await Upsert(store, Document("a", 1));
            await Upsert(store, Document("b", 2));
            Assert.True(await store.DeleteDocumentAsync("t", "a", default));
        }
        using (var store = Open())
        {
            Assert.Equal(["b"], (await store.ListDocumentsAsync("t", null, default)).Select(d => d.Id));
            await store.CompactAsync("t", default);
            Assert.True(await store.DeleteDocumentAsync("t", "b", default));
        }
        using (var store = Open())
        {
            Assert.Empty(await store.ListDocumentsAsync("t", null, default));
            Assert.Equal(0, await store.CountChunksAsync("t", "default", Model, default));
            Assert.Empty(await store.KeywordSearchAsync(new KeywordSearchRequest("t", "default", Model, "refund policy leave", 10), default));
            await store.CompactAsync("t", default);
            Assert.False(File.Exists(store.SnapshotPathFor("t")));
        }
        using var last = Open();
        Assert.Empty(await last.ListDocumentsAsync("t", null, default));
        Assert.Empty(LogSegments());
    }

    [Fact]
    public async Task Concurrent_writers_of_one_tenant_are_serialized_into_the_log_in_the_order_memory_saw_them()
    {
        List<string> before;
        using (var store = Open(compactAfterRecords: 25))
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, 80), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            {
                // Every fourth write replaces one shared document, every fifth deletes an earlier one: order matters.
                if (i % 4 == 0)
                {
                    await Upsert(store, Document("shared", 1_000 + i));
                }
                else if (i % 5 == 0)
                {
                    await store.DeleteDocumentAsync("t", $"d{i - 1}", default);
                }
                else
                {
                    await Upsert(store, Document($"d{i}", i, chunks: 2));
                }
            });
            before = await Observe(store);
        }

        using var reopened = Open();

        Assert.Equal(before, await Observe(reopened));
        Assert.Contains(await reopened.ListDocumentsAsync("t", null, default), d => d.Id == "shared");
    }

    [Fact]
    public async Task Keyword_scores_after_incremental_writes_equal_those_of_a_fresh_build()
    {
        var final = new Dictionary<string, DocumentUpsert>();
        using var incremental = Open();
        for (var d = 0; d < 40; d++)
        {
            final[$"d{d}"] = Document($"d{d}", d, chunks: 4);
            await Upsert(incremental, final[$"d{d}"]);
        }
        // Few enough changes that no write lays the nodes out again (tombstones stay under a quarter of the live chunks).
        foreach (var d in new[] { 3, 17, 29 })
        {
            final[$"d{d}"] = Document($"d{d}", 500 + d, chunks: 2);
            await Upsert(incremental, final[$"d{d}"]);
        }
        foreach (var d in new[] { 8, 21 })
        {
            Assert.True(await incremental.DeleteDocumentAsync("t", $"d{d}", default));
            final.Remove($"d{d}");
        }
        var index = incremental.CollectionIndexFor("t", "default", Model)!;
        Assert.Equal((146, 20), (index.Count, index.Dead));

        var rebuiltFolder = new TempDirectory();
        using var rebuilt = new EmbeddedVectorStore(rebuiltFolder.Path, NullLogger<EmbeddedVectorStore>.Instance);
        await rebuilt.UpsertDocumentsAsync([.. final.Values], default);
        Assert.Equal(0, rebuilt.CollectionIndexFor("t", "default", Model)!.Dead);

        foreach (var query in new[] { "refund policy", "holiday leave salary", "laptop badge parking travel", "handbook expense", "leave leave refund" })
        {
            var expected = (await rebuilt.KeywordSearchAsync(new KeywordSearchRequest("t", "default", Model, query, 500), default))
                .ToDictionary(m => m.Chunk.ChunkId, m => m.Score);
            var actual = (await incremental.KeywordSearchAsync(new KeywordSearchRequest("t", "default", Model, query, 500), default))
                .ToDictionary(m => m.Chunk.ChunkId, m => m.Score);
            Assert.NotEmpty(expected);
            Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), actual.OrderBy(p => p.Key, StringComparer.Ordinal));
        }
        rebuilt.Dispose();
        rebuiltFolder.Dispose();
    }
}
