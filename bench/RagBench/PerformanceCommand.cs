using System.Collections.Immutable;
using System.Diagnostics;
using System.Numerics.Tensors;
using AiAspire.RagService.Stores;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiAspire.RagBench;

/// <summary>
/// <c>perf [--sizes 10000,100000]</c>: the embedded index at each size with synthetic 384-dimensional unit vectors (clustered) and
/// synthetic texts (no model in the loop): managed memory it holds, load time through batch upserts (graph inserts, keyword
/// index and write-ahead log appends included, with the background compactions they trigger), reload time, per-query latency (p50/p99) of HNSW and exact vector
/// search, BM25 keyword search and filtered search over 500 queries, and HNSW's recall@10 against the exact answer. Query
/// embedding (MiniLM) is not included; the eval command measures it. Then the same size again with the default options (no
/// graph below <see cref="EmbeddedIndexOptions.ApproximateSearchMinChunks"/>): its load time and CPU, the time, CPU and bytes written of
/// each of <c>--writes</c> single-document upserts (<see cref="WriteChunks"/> chunks each) into that tenant, and the time of one
/// compaction after them.
/// </summary>
internal static class PerformanceCommand
{
    private const int Dimensions = 384;
    private const int ChunksPerDocument = 100;
    private const int DocumentsPerBatch = 100;
    private const int Queries = 500;
    private const int WriteChunks = 10;
    private const string Model = "synthetic";
    private const int Clusters = 1_000;
    private const float Spread = 0.8f;

    public static async Task<int> RunAsync(IReadOnlyList<int> sizes, int writes, string workFolder, CancellationToken cancellationToken)
    {
        Console.WriteLine($"embedded index, {Dimensions} dimensions, {ChunksPerDocument} chunks per document, {DocumentsPerBatch} documents per batch upsert, " +
            $"{Queries} queries per measure, {Environment.ProcessorCount} cores");
        var defaults = new EmbeddedIndexOptions();
        Console.WriteLine($"HNSW M={defaults.M}, efConstruction={defaults.EfConstruction}, efSearch={defaults.EfSearch}");
        foreach (var size in sizes)
        {
            var random = new Random(size);
            var vocabulary = Enumerable.Range(0, 20_000).Select(i => "term" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var folder = Path.Combine(workFolder, size.ToString(System.Globalization.CultureInfo.InvariantCulture));

            var centers = Enumerable.Range(0, Clusters).Select(_ => Vector(random)).ToArray();
            var before = Settle();
            var cpuBefore = Environment.CpuUsage.TotalTime;
            var clock = Stopwatch.StartNew();
            var approximate = new EmbeddedVectorStore(folder, NullLogger<EmbeddedVectorStore>.Instance, new EmbeddedIndexOptions { ApproximateSearchMinChunks = 0 });
            var documents = (size + ChunksPerDocument - 1) / ChunksPerDocument;
            for (var first = 0; first < documents; first += DocumentsPerBatch)
            {
                await approximate.UpsertDocumentsAsync(Batch(random, vocabulary, centers, first, Math.Min(DocumentsPerBatch, documents - first), size), cancellationToken);
            }
            // The graph is built in the background; the figure includes waiting for it.
            await approximate.WhenGraphsBuiltAsync("bench", cancellationToken);
            var build = clock.Elapsed.TotalSeconds;
            var buildCpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds;
            var held = Settle() - before;

            clock.Restart();
            var exact = new EmbeddedVectorStore(folder, NullLogger<EmbeddedVectorStore>.Instance, new EmbeddedIndexOptions { ApproximateSearchMinChunks = int.MaxValue });
            var reload = clock.Elapsed.TotalSeconds;

            var graph = new List<double>(Queries);
            var scan = new List<double>(Queries);
            var keyword = new List<double>(Queries);
            var filtered = new List<double>(Queries);
            var (hits, expected) = (0, 0);
            for (var q = 0; q < Queries + 20; q++)
            {
                var query = Near(random, centers[random.Next(centers.Length)]);
                var text = Text(random, vocabulary, 8);
                var t0 = Stopwatch.GetTimestamp();
                var found = await approximate.SearchAsync(new VectorSearchRequest("bench", "default", Model, query, 10, -1), cancellationToken);
                var t1 = Stopwatch.GetTimestamp();
                var truth = await exact.SearchAsync(new VectorSearchRequest("bench", "default", Model, query, 10, -1), cancellationToken);
                var t2 = Stopwatch.GetTimestamp();
                await exact.KeywordSearchAsync(new KeywordSearchRequest("bench", "default", Model, text, 40), cancellationToken);
                var t3 = Stopwatch.GetTimestamp();
                await exact.SearchAsync(new VectorSearchRequest("bench", "default", Model, query, 40, -1, new Dictionary<string, string> { ["shard"] = "1" }), cancellationToken);
                var t4 = Stopwatch.GetTimestamp();
                if (q >= 20)
                {
                    graph.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                    scan.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
                    keyword.Add(Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds);
                    filtered.Add(Stopwatch.GetElapsedTime(t3, t4).TotalMilliseconds);
                    var ids = truth.Select(m => m.Chunk.ChunkId).ToHashSet(StringComparer.Ordinal);
                    hits += found.Count(m => ids.Contains(m.Chunk.ChunkId));
                    expected += ids.Count;
                }
            }
            var files = Directory.GetFiles(Path.Combine(folder, "vectors")).Sum(f => new FileInfo(f).Length);
            Console.WriteLine($"{size,7:N0} chunks: load {build:F1} s ({size / build:N0} chunks/s into the index and the graph, no embedding; " +
                $"{(documents + DocumentsPerBatch - 1) / DocumentsPerBatch} batch upserts; {buildCpu:F1} s of CPU); reload from disk {reload:F1} s; files {files / 1048576.0:F0} MiB");
            Console.WriteLine($"         managed memory held {held / 1048576.0:F0} MiB ({held / (double)size * 100_000 / 1048576.0:F0} MiB per 100k chunks with texts, " +
                $"raw vectors alone {100_000.0 * Dimensions * sizeof(float) / 1048576.0:F0} MiB)");
            Console.WriteLine($"         vector top-10 HNSW    p50 {Percentile(graph, 0.50):F2} ms, p99 {Percentile(graph, 0.99):F2} ms; recall@10 vs exact {hits / (double)expected:P1}");
            Console.WriteLine($"         vector top-10 exact   p50 {Percentile(scan, 0.50):F2} ms, p99 {Percentile(scan, 0.99):F2} ms");
            Console.WriteLine($"         keyword top-40        p50 {Percentile(keyword, 0.50):F2} ms, p99 {Percentile(keyword, 0.99):F2} ms");
            Console.WriteLine($"         vector + filter top-40 (exact) p50 {Percentile(filtered, 0.50):F2} ms, p99 {Percentile(filtered, 0.99):F2} ms");
            approximate.Dispose();
            exact.Dispose();

            var lazyFolder = Path.Combine(workFolder, size.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-defaults");
            cpuBefore = Environment.CpuUsage.TotalTime;
            clock.Restart();
            var lazy = new EmbeddedVectorStore(lazyFolder, NullLogger<EmbeddedVectorStore>.Instance, defaults);
            for (var first = 0; first < documents; first += DocumentsPerBatch)
            {
                await lazy.UpsertDocumentsAsync(Batch(random, vocabulary, centers, first, Math.Min(DocumentsPerBatch, documents - first), size), cancellationToken);
            }
            Console.WriteLine($"         default options (graph from {defaults.ApproximateSearchMinChunks:N0} chunks; here {(size >= defaults.ApproximateSearchMinChunks ? "built in the background" : "none")}): " +
                $"load {clock.Elapsed.TotalSeconds:F1} s, {(Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds:F1} s of CPU");
            var loaded = Stopwatch.StartNew();
            if (writes > 0)
            {
                var latencies = new List<double>(writes);
                var filesBefore = FolderBytes(lazyFolder);
                cpuBefore = Environment.CpuUsage.TotalTime;
                for (var w = 0; w < writes; w++)
                {
                    var document = new DocumentUpsert(
                        new StoredDocument("bench", $"w{w}", "default", $"w{w}.txt", "text", "h", Model, 0, DateTimeOffset.UnixEpoch, null),
                        [.. Enumerable.Range(0, WriteChunks).Select(c => new StoredChunk($"w{w}#{c}", c, Text(random, vocabulary, 120), null, 0, 0, Near(random, centers[random.Next(centers.Length)])))]);
                    var t0 = Stopwatch.GetTimestamp();
                    await lazy.UpsertDocumentAsync(document.Document, document.Chunks, cancellationToken);
                    latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                }
                var cpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds;
                Console.WriteLine($"         {writes:N0} single-document upserts ({WriteChunks} chunks each) into it: mean {latencies.Average():F2} ms, " +
                    $"p50 {Percentile(latencies, 0.50):F2} ms, p99 {Percentile(latencies, 0.99):F2} ms per write; " +
                    $"{cpu / writes:F2} ms of CPU per write (background compactions included); " +
                    $"files grew {(FolderBytes(lazyFolder) - filesBefore) / 1024.0 / writes:F1} KiB per write; files {FolderBytes(lazyFolder) / 1048576.0:F0} MiB");
                await lazy.WhenGraphsBuiltAsync("bench", cancellationToken);
                Console.WriteLine($"         graph {(lazy.SearchesApproximately("bench", "default", Model) ? $"swapped in {loaded.Elapsed.TotalSeconds:F1} s after the load" : "not needed")}; " +
                    $"{await lazy.CountChunksAsync("bench", "default", Model, cancellationToken):N0} chunks");
                cpuBefore = Environment.CpuUsage.TotalTime;
                clock.Restart();
                await lazy.CompactAsync("bench", cancellationToken);
                Console.WriteLine($"         compaction (snapshot of the whole tenant, log dropped): {clock.Elapsed.TotalMilliseconds:F0} ms, " +
                    $"{(Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds:F0} ms of CPU; files {FolderBytes(lazyFolder) / 1048576.0:F0} MiB");
            }
            lazy.Dispose();
        }
        return 0;
    }

    private static long FolderBytes(string folder) =>
        Directory.EnumerateFiles(Path.Combine(folder, "vectors")).Sum(f => new FileInfo(f).Length);

    private static List<DocumentUpsert> Batch(Random random, string[] vocabulary, float[][] centers, int first, int count, int size) =>
        [.. Enumerable.Range(first, count).Select(d => new DocumentUpsert(
            new StoredDocument("bench", $"d{d}", "default", $"d{d}.txt", "text", "h", Model, 0, DateTimeOffset.UnixEpoch,
                ImmutableDictionary<string, string>.Empty.Add("shard", (d % 4).ToString(System.Globalization.CultureInfo.InvariantCulture))),
            [.. Enumerable.Range(0, Math.Min(ChunksPerDocument, size - (d * ChunksPerDocument)))
                .Select(c => new StoredChunk($"d{d}#{c}", c, Text(random, vocabulary, 120), null, 0, 0, Near(random, centers[random.Next(centers.Length)])))]))];

    /// <summary>
    /// A unit vector near <paramref name="center"/>: text embeddings cluster by topic, unlike uniform random vectors (on which
    /// every approximate index does its worst, as all neighbours are nearly equidistant).
    /// </summary>
    private static float[] Near(Random random, float[] center)
    {
        var vector = Vector(random);
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = center[i] + (Spread * vector[i]);
        }
        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        return vector;
    }

    private static long Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static float[] Vector(Random random)
    {
        var vector = new float[Dimensions];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }
        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        return vector;
    }

    /// <summary>Words drawn with a Zipf-like skew, so some terms are common and most are rare, as in real text.</summary>
    private static string Text(Random random, string[] vocabulary, int words) =>
        string.Join(' ', Enumerable.Range(0, words).Select(_ => vocabulary[(int)(vocabulary.Length * Math.Pow(random.NextDouble(), 3))]));

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
