using System.Collections.Immutable;
using System.Diagnostics;
using System.Numerics.Tensors;
using AiAspire.RagService.Stores;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiAspire.RagBench;

/// <summary>
/// <c>perf [--sizes 10000,100000]</c>: the embedded index at each size with synthetic 384-dimensional unit vectors and
/// synthetic texts (no model in the loop): managed memory it holds, load time (index builds and crash-safe snapshot writes
/// included), and per-query latency (p50/p99) of vector
/// and BM25 keyword search over 500 queries. Query embedding (MiniLM) is not included; the eval command measures it.
/// </summary>
internal static class PerformanceCommand
{
    private const int Dimensions = 384;
    private const int ChunksPerDocument = 10_000;
    private const int Queries = 500;
    private const string Model = "synthetic";

    public static async Task<int> RunAsync(IReadOnlyList<int> sizes, string workFolder, CancellationToken cancellationToken)
    {
        Console.WriteLine($"embedded index, {Dimensions} dimensions, {ChunksPerDocument} chunks per document, {Queries} queries per measure, {Environment.ProcessorCount} cores");
        foreach (var size in sizes)
        {
            var random = new Random(size);
            var vocabulary = Enumerable.Range(0, 20_000).Select(i => "term" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var folder = Path.Combine(workFolder, size.ToString(System.Globalization.CultureInfo.InvariantCulture));

            var before = Settle();
            var clock = Stopwatch.StartNew();
            var store = new EmbeddedVectorStore(folder, NullLogger<EmbeddedVectorStore>.Instance);
            for (var d = 0; d * ChunksPerDocument < size; d++)
            {
                var chunks = Enumerable.Range(0, Math.Min(ChunksPerDocument, size - (d * ChunksPerDocument)))
                    .Select(c => new StoredChunk($"d{d}#{c}", c, Text(random, vocabulary, 120), null, 0, 0, Vector(random)))
                    .ToList();
                await store.UpsertDocumentAsync(new StoredDocument("bench", $"d{d}", "default", $"d{d}.txt", "text", "h", Model, 0, DateTimeOffset.UnixEpoch,
                    ImmutableDictionary<string, string>.Empty.Add("shard", (d % 4).ToString(System.Globalization.CultureInfo.InvariantCulture))), chunks, cancellationToken);
            }
            var build = clock.Elapsed.TotalSeconds;
            var held = Settle() - before;

            var vector = new List<double>(Queries);
            var keyword = new List<double>(Queries);
            var filtered = new List<double>(Queries);
            for (var q = 0; q < Queries + 20; q++)
            {
                var query = Vector(random);
                var text = Text(random, vocabulary, 8);
                var t0 = Stopwatch.GetTimestamp();
                await store.SearchAsync(new VectorSearchRequest("bench", "default", Model, query, 40, -1), cancellationToken);
                var t1 = Stopwatch.GetTimestamp();
                await store.KeywordSearchAsync(new KeywordSearchRequest("bench", "default", Model, text, 40), cancellationToken);
                var t2 = Stopwatch.GetTimestamp();
                await store.SearchAsync(new VectorSearchRequest("bench", "default", Model, query, 40, -1, new Dictionary<string, string> { ["shard"] = "1" }), cancellationToken);
                var t3 = Stopwatch.GetTimestamp();
                if (q >= 20)
                {
                    vector.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                    keyword.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
                    filtered.Add(Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds);
                }
            }
            Console.WriteLine($"{size,7:N0} chunks: build {build:F1} s ({size / build:N0} chunks/s into the index, no embedding); managed memory held {held / 1048576.0:F0} MiB " +
                $"({held / (double)size * 100_000 / 1048576.0:F0} MiB per 100k chunks, raw vectors alone {100_000.0 * Dimensions * sizeof(float) / 1048576.0:F0} MiB)");
            Console.WriteLine($"         vector top-40     p50 {Percentile(vector, 0.50):F2} ms, p99 {Percentile(vector, 0.99):F2} ms");
            Console.WriteLine($"         keyword top-40    p50 {Percentile(keyword, 0.50):F2} ms, p99 {Percentile(keyword, 0.99):F2} ms");
            Console.WriteLine($"         vector + filter   p50 {Percentile(filtered, 0.50):F2} ms, p99 {Percentile(filtered, 0.99):F2} ms");
            GC.KeepAlive(store);
        }
        return 0;
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
